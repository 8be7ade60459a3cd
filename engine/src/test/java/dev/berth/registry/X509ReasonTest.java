package dev.berth.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class X509ReasonTest {
    @Test
    void jdkCertificateErrorsReadAsGosX509Errors() {
        assertThat(RegistryClient.x509Reason("(certificate_unknown) PKIX path building failed: "
                + "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target",
                "r.example")).isEqualTo("x509: certificate signed by unknown authority");
        assertThat(RegistryClient.x509Reason("PKIX path validation failed: java.security.cert.CertPathValidatorException: "
                + "validity check failed", "r.example")).isEqualTo("x509: certificate has expired or is not yet valid");
        assertThat(RegistryClient.x509Reason("No subject alternative DNS name matching r.example found.", "r.example"))
                .isEqualTo("x509: certificate is not valid for r.example");
        assertThat(RegistryClient.x509Reason("something new", "r.example")).isEqualTo("x509: something new");
    }
}
