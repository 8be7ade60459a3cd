package dev.berth.cli.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Docker's nat.ParsePortSpec: {@code [ip:][hostPort:]containerPort[/proto]}, ranges allowed. */
public final class PortSpecs {
    /** One container port and where it is published (hostPort may be empty: any free port). */
    public record Mapping(String port, String hostIp, String hostPort) {}

    private PortSpecs() {}

    public static List<Mapping> parse(String spec) {
        String proto = "tcp";
        String rest = spec;
        int slash = spec.lastIndexOf('/');
        if (slash >= 0) {
            proto = spec.substring(slash + 1).toLowerCase(Locale.ROOT);
            rest = spec.substring(0, slash);
            if (!proto.equals("tcp") && !proto.equals("udp") && !proto.equals("sctp")) {
                throw new IllegalArgumentException("invalid proto: " + proto);
            }
        }
        String ip = "", hostPort = "", containerPort;
        // The container port is after the last colon; an IPv6 host address sits in brackets.
        int last = rest.lastIndexOf(':');
        if (last < 0) {
            containerPort = rest;
        } else {
            containerPort = rest.substring(last + 1);
            String front = rest.substring(0, last);
            int c = front.lastIndexOf(':');
            if (front.startsWith("[") ? front.endsWith("]") : c < 0) {
                if (front.startsWith("[")) ip = front.substring(1, front.length() - 1);
                else hostPort = front;
            } else {
                ip = front.substring(0, c);
                hostPort = front.substring(c + 1);
                if (ip.startsWith("[") && ip.endsWith("]")) ip = ip.substring(1, ip.length() - 1);
            }
        }
        if (containerPort.isEmpty()) throw new IllegalArgumentException("no port specified: " + spec + "<empty>");
        long[] cr = range(containerPort, "invalid containerPort: " + containerPort);
        long[] hr = hostPort.isEmpty() ? null : range(hostPort, "invalid hostPort: " + hostPort);
        long n = cr[1] - cr[0];
        if (hr != null && hr[1] - hr[0] != n && hr[1] != hr[0] && n != 0) {
            throw new IllegalArgumentException("invalid ranges specified for container and host Ports: " + containerPort + " and " + hostPort);
        }
        List<Mapping> out = new ArrayList<>();
        for (long i = 0; i <= n; i++) {
            String hp = "";
            if (hr != null) {
                // A host range for one container port means "any port of the range": Docker passes it on.
                hp = n == 0 && hr[0] != hr[1] ? hr[0] + "-" + hr[1] : Long.toString(hr[0] + i);
            }
            out.add(new Mapping((cr[0] + i) + "/" + proto, ip, hp));
        }
        return out;
    }

    static long[] range(String s, String err) {
        try {
            int dash = s.indexOf('-');
            long a = Long.parseLong(dash < 0 ? s : s.substring(0, dash));
            long b = dash < 0 ? a : Long.parseLong(s.substring(dash + 1));
            if (a < 0 || b > 65535 || b < a) throw new NumberFormatException();
            return new long[] {a, b};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(err);
        }
    }

    /** {@code --expose 80}, {@code 7000-7002/udp}: the port keys it exposes. */
    public static List<String> expose(String spec) {
        String proto = "tcp";
        String p = spec;
        int slash = spec.lastIndexOf('/');
        if (slash >= 0) {
            proto = spec.substring(slash + 1);
            p = spec.substring(0, slash);
        }
        long[] r = range(p, "invalid range format for --expose: " + spec);
        List<String> out = new ArrayList<>();
        for (long i = r[0]; i <= r[1]; i++) out.add(i + "/" + proto);
        return out;
    }
}
