package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A test class whose tests share one berthd on crun, started before the first and closed after the last. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedDaemon {
    DaemonFixture d;

    @BeforeAll
    void startSharedDaemon() throws Exception {
        d = new DaemonFixture("crun");
        Cmd.Result ping = d.docker("version", "--format", "{{.Server.APIVersion}}");
        assertThat(ping.code()).as("the shared berthd answers before the first test: " + ping).isZero();
    }

    @AfterAll
    void closeSharedDaemon() throws Exception {
        if (d != null) {
            d.close();
        }
    }
}
