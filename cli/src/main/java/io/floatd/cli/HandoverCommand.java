package io.floatd.cli;

import io.floatd.vrrp.control.ControlClient;
import io.floatd.vrrp.control.ControlProtocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code floatd handover [INSTANCE]} and {@code floatd resume [INSTANCE]}: planned maintenance without editing
 * priorities or restarting. A Master hands over gracefully (priority-0 advert; the peer takes the IP after
 * Skew_Time) and stays Backup, held, until resumed. Both go through the daemon's control socket, which admits root
 * and the members of {@code run --control-group} only.
 */
final class HandoverCommand {
    private HandoverCommand() {
    }

    /**
     * Shared by both commands: the help option, the exit codes (picocli reads a superclass's {@code @Command} under
     * the subclass's own), the instance, the daemon's control socket, the call.
     */
    @Command(mixinStandardHelpOptions = true, exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                    "0:the daemon did it",
                    "2:no such instance, or invalid command-line usage",
                    "4:no daemon listening on the control socket",
                    "5:permission denied: not root, and not in the daemon's --control-group"})
    abstract static class Base implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "INSTANCE", description = "The vrrp_instance (default: all).")
        String instance;

        @Option(names = "--control-socket", paramLabel = "PATH", defaultValue = "/run/floatd/control.sock",
                description = "The daemon's control socket (see run --control-socket; default: ${DEFAULT-VALUE}).")
        Path socket;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract ControlProtocol.Action action();

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            ControlProtocol.Request request = new ControlProtocol.Request(action(), instance);
            try {
                ControlProtocol.Request.decode(request.encode().strip());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            ControlProtocol.Reply reply;
            try {
                reply = ControlClient.call(socket, request, Duration.ofSeconds(3));
            } catch (AccessDeniedException e) {
                err.println("floatd: permission denied: " + socket + ": only root, or a member of the group named by"
                        + " 'floatd run --control-group', may hand over or resume");
                return FloatdCommand.EXIT_DENIED;
            } catch (NoSuchFileException e) {
                err.println("floatd: no daemon: no control socket at " + socket + " (is floatd running? --control-socket?)");
                return FloatdCommand.EXIT_UNREACHABLE;
            } catch (IOException e) {
                err.println("floatd: no daemon answering on " + socket + ": " + e.getMessage());
                return FloatdCommand.EXIT_UNREACHABLE;
            }
            return switch (reply.status()) {
                case OK -> {
                    spec.commandLine().getOut().println("floatd: " + reply.message());
                    yield FloatdCommand.EXIT_OK;
                }
                case UNKNOWN_INSTANCE -> {
                    err.println("floatd: " + reply.message());
                    yield FloatdCommand.EXIT_USAGE;
                }
                case DENIED -> {
                    err.println("floatd: " + reply.message());
                    yield FloatdCommand.EXIT_DENIED;
                }
                case BAD_REQUEST, UNKNOWN -> {
                    err.println("floatd: the daemon on " + socket + " did not understand: " + reply.message());
                    yield FloatdCommand.EXIT_UNREACHABLE;
                }
            };
        }
    }

    @Command(name = "handover",
            description = "Planned maintenance: the Master resigns (priority-0 advert), the peer takes the IP, and this"
                    + " node stays Backup (held) until 'floatd resume'. Root only (or run --control-group).")
    static final class Handover extends Base {
        @Override
        ControlProtocol.Action action() {
            return ControlProtocol.Action.HANDOVER;
        }
    }

    @Command(name = "resume",
            description = "End a handover: take part in the election again (with preemption, take mastership back)."
                    + " Root only (or run --control-group).")
    static final class Resume extends Base {
        @Override
        ControlProtocol.Action action() {
            return ControlProtocol.Action.RESUME;
        }
    }
}
