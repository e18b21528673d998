package io.floatd.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code floatd handover [INSTANCE]} and {@code floatd resume [INSTANCE]}: planned maintenance without editing
 * priorities or restarting. A Master hands over gracefully (priority-0 advert; the peer takes the IP after
 * Skew_Time) and stays Backup until resumed.
 */
final class HandoverCommand {
    private HandoverCommand() {
    }

    /** Shared by both commands: the instance, the daemon's address, the call. */
    abstract static class Base implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "INSTANCE", description = "The vrrp_instance (default: all).")
        String instance;

        @Option(names = "--address", paramLabel = "HOST:PORT", defaultValue = HostPort.DEFAULT,
                converter = HostPort.Converter.class,
                description = "Where the daemon's status endpoint listens (default: ${DEFAULT-VALUE}).")
        HostPort address;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract String action();

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            String query = instance == null ? "" : "?instance=" + URLEncoder.encode(instance, StandardCharsets.UTF_8);
            Duration timeout = Duration.ofSeconds(3);
            try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                    .proxy(HttpClient.Builder.NO_PROXY).build()) {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + address + "/" + action() + query))
                        .timeout(timeout).POST(HttpRequest.BodyPublishers.noBody()).build();
                HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
                if (resp.statusCode() == 404) {
                    err.println("floatd: " + resp.body().strip());
                    return FloatdCommand.EXIT_USAGE;
                }
                if (resp.statusCode() != 200) {
                    err.println("floatd: the daemon on " + address + " answered HTTP " + resp.statusCode());
                    return FloatdCommand.EXIT_UNREACHABLE;
                }
                spec.commandLine().getOut().println("floatd: " + resp.body().strip());
                return FloatdCommand.EXIT_OK;
            } catch (IOException e) {
                err.println("floatd: no daemon answering on " + address + " (is floatd running? --address?)");
                return FloatdCommand.EXIT_UNREACHABLE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("floatd: interrupted");
                return FloatdCommand.EXIT_UNREACHABLE;
            }
        }
    }

    @Command(name = "handover", mixinStandardHelpOptions = true,
            description = "Planned maintenance: the Master resigns (priority-0 advert), the peer takes the IP, and this"
                    + " node stays Backup until 'floatd resume'.")
    static final class Handover extends Base {
        @Override
        String action() {
            return "handover";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "End a handover: take part in the election again (with preemption, take mastership back).")
    static final class Resume extends Base {
        @Override
        String action() {
            return "resume";
        }
    }
}
