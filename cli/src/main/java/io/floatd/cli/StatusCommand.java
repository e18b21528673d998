package io.floatd.cli;

import io.floatd.vrrp.status.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code floatd status}: asks a running daemon's status endpoint, prints one line per instance (or the JSON). */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the state of a running floatd (from its status endpoint, see run --status-address).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:the daemon answered",
                "2:invalid command-line usage",
                "4:no daemon answering on the address (or not a floatd answer)"})
final class StatusCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the daemon's JSON status document as it is.")
    boolean json;

    @Option(names = "--address", paramLabel = "HOST:PORT", defaultValue = HostPort.DEFAULT,
            converter = HostPort.Converter.class,
            description = "Where the daemon's status endpoint listens (default: ${DEFAULT-VALUE}).")
    HostPort address;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3",
            description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration timeout = Duration.ofMillis(Math.max(1, (long) (timeoutSeconds * 1000)));
        String body;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .proxy(HttpClient.Builder.NO_PROXY).build()) {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + address + "/status"))
                    .timeout(timeout).header("Accept", "application/json").GET().build();
            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                err.println("floatd: the status endpoint on " + address + " answered HTTP " + resp.statusCode());
                return FloatdCommand.EXIT_UNREACHABLE;
            }
            body = resp.body();
        } catch (IOException e) {
            err.println("floatd: no daemon answering on " + address + " (is floatd running? --address?)");
            return FloatdCommand.EXIT_UNREACHABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("floatd: interrupted");
            return FloatdCommand.EXIT_UNREACHABLE;
        }
        if (json) {
            out.print(body.endsWith("\n") ? body : body + "\n");
            out.flush();
            return FloatdCommand.EXIT_OK;
        }
        try {
            Object doc = Json.parse(body);
            out.print(human(doc));
            out.flush();
            return FloatdCommand.EXIT_OK;
        } catch (RuntimeException e) {
            err.println("floatd: " + address + " did not answer with a floatd status document (" + e.getMessage() + ")");
            return FloatdCommand.EXIT_UNREACHABLE;
        }
    }

    /**
     * One line per instance:
     * {@code VI_1  MASTER  since 2026-11-22T05:20:01Z  (12.3 s)  priority 150/150  master 10.199.0.10  ip: self}.
     */
    @SuppressWarnings("unchecked")
    static String human(Object doc) {
        Map<String, Object> root = (Map<String, Object>) doc;
        List<Object> instances = (List<Object>) root.get("instances");
        if (instances == null) {
            throw new IllegalArgumentException("no instances");
        }
        if (instances.isEmpty()) {
            return "no instances running\n";
        }
        int nameWidth = instances.stream().mapToInt(i -> String.valueOf(((Map<String, Object>) i).get("name")).length()).max().orElse(4);
        StringBuilder sb = new StringBuilder();
        for (Object o : instances) {
            Map<String, Object> i = (Map<String, Object>) o;
            Map<String, Object> prio = (Map<String, Object>) i.get("priority");
            Map<String, Object> master = (Map<String, Object>) i.get("master");
            List<Object> ips = floatingIps(i);
            String since = String.valueOf(i.get("since"));
            int dot = since.indexOf('.');
            if (dot > 0 && since.endsWith("Z")) {
                since = since.substring(0, dot) + "Z"; // whole seconds are enough on a terminal
            }
            sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  %-6s since %s  (%s)  priority %s/%s  master %s  ip: %s",
                    i.get("name"), i.get("state"), since, ago(((Number) i.get("since_seconds")).doubleValue()),
                    prio.get("effective"), prio.get("configured"),
                    master.get("address") == null ? "-" : master.get("address"),
                    holders(ips)));
            if (i.get("last_advert_ms_ago") instanceof Number n && !"MASTER".equals(i.get("state"))) {
                sb.append(String.format(Locale.ROOT, "  last advert %.0f ms ago", n.doubleValue()));
            }
            if (Boolean.TRUE.equals(i.get("held"))) {
                sb.append("  held: handed over until 'floatd resume ").append(i.get("name")).append("'");
            }
            if (i.get("fault_reason") != null) {
                sb.append("  fault: ").append(i.get("fault_reason"));
            }
            for (Object o2 : ips) {
                Map<String, Object> ip = (Map<String, Object>) o2;
                if (ip.get("last_error") != null) {
                    sb.append("  error").append(ips.size() > 1 ? " (" + ip.get("address") + ")" : "").append(": ")
                            .append(ip.get("last_error"));
                }
            }
            List<Object> tracking = (List<Object>) i.get("tracking");
            if (tracking != null) {
                for (Object t : tracking) {
                    Map<String, Object> s = (Map<String, Object>) t;
                    if (Boolean.FALSE.equals(s.get("healthy"))) {
                        sb.append("  failing: ").append(s.get("script"));
                    } else if (s.get("process") != null && Boolean.FALSE.equals(s.get("up"))) {
                        sb.append("  no quorum: ").append(s.get("process")).append(" (").append(s.get("processes"))
                                .append(" running)");
                    } else if (Boolean.FALSE.equals(s.get("up"))) {
                        sb.append("  link down: ").append(s.get("interface"));
                    }
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** {@code floating_ips}, or the single {@code floating_ip} of a daemon from before several blocks. */
    @SuppressWarnings("unchecked")
    private static List<Object> floatingIps(Map<String, Object> instance) {
        if (instance.get("floating_ips") instanceof List<?> list) {
            return (List<Object>) list;
        }
        return instance.get("floating_ip") == null ? List.of() : List.of(instance.get("floating_ip"));
    }

    /** {@code self} for one block; {@code 198.51.100.10 self, 198.51.100.11 peer} for several; {@code -} for none. */
    @SuppressWarnings("unchecked")
    private static String holders(List<Object> ips) {
        if (ips.isEmpty()) {
            return "-";
        }
        List<String> out = new java.util.ArrayList<>();
        for (Object o : ips) {
            Map<String, Object> ip = (Map<String, Object>) o;
            String holder = ip.get("holder") == null ? "unknown" : String.valueOf(ip.get("holder"));
            out.add(ips.size() == 1 ? holder : ip.get("address") + " " + holder);
        }
        return String.join(", ", out);
    }

    private static String ago(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = (long) seconds;
        if (s < 7200) {
            return String.format(Locale.ROOT, "%d min %d s", s / 60, s % 60);
        }
        if (s < 2 * 86400) {
            return String.format(Locale.ROOT, "%d h %d min", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%d d %d h", s / 86400, (s % 86400) / 3600);
    }
}
