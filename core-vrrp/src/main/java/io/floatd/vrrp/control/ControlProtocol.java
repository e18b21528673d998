package io.floatd.vrrp.control;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The control socket's line protocol: the client writes one request line, the daemon one reply line, then closes.
 * <pre>
 *   request: ACTION [INSTANCE] LF        handover VI_1      resume
 *   reply:   STATUS SP MESSAGE LF        ok handover: VI_1  unknown-instance no instance named VI_9
 * </pre>
 * UTF-8, at most {@link #MAX_LINE} bytes a line; no instance means every instance.
 */
public final class ControlProtocol {
    /** Longer lines are a bad request; a reply is cut to this. */
    public static final int MAX_LINE = 512;

    private ControlProtocol() {
    }

    /** What a request asks. */
    public enum Action {
        /** Planned maintenance: a Master resigns (priority-0 advert) and the instance stays Backup, held. */
        HANDOVER("handover"),
        /** Ends a handover: the instance takes part in the election again. */
        RESUME("resume");

        private final String wire;

        Action(String wire) {
            this.wire = wire;
        }

        public String wireValue() {
            return wire;
        }

        public static Optional<Action> fromWire(String word) {
            return Arrays.stream(values()).filter(a -> a.wire.equals(word)).findFirst();
        }
    }

    /** How a request went; the client's exit code follows from it. */
    public enum Status {
        OK("ok"),
        /** No instance has the name given. */
        UNKNOWN_INSTANCE("unknown-instance"),
        /** The peer is neither root nor in the control group. */
        DENIED("denied"),
        /** The line did not parse. */
        BAD_REQUEST("bad-request"),
        /** A word this client does not know (a newer daemon): kept in the reply's message. */
        UNKNOWN("?");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        public String wireValue() {
            return wire;
        }

        public static Status fromWire(String word) {
            return Arrays.stream(values()).filter(s -> s != UNKNOWN && s.wire.equals(word)).findFirst().orElse(UNKNOWN);
        }
    }

    /**
     * One request.
     *
     * @param action what to do
     * @param instance the vrrp_instance, or {@code null} for all of them
     */
    public record Request(Action action, String instance) {
        /**
         * Parses one line (without its LF).
         *
         * @throws IllegalArgumentException with the reason, shaped {@code what: actual (expected: x)}
         */
        public static Request decode(String line) {
            String[] words = line.split(" ", -1);
            Action action = Action.fromWire(words[0]).orElseThrow(() -> new IllegalArgumentException(
                    "unknown action: '" + printable(words[0]) + "' (expected: " + Arrays.stream(Action.values())
                            .map(Action::wireValue).collect(Collectors.joining(", ")) + ")"));
            if (words.length > 2) {
                throw new IllegalArgumentException("too many words: " + words.length + " (expected: ACTION [INSTANCE])");
            }
            String instance = words.length == 2 ? words[1] : null;
            if (instance != null && (instance.isEmpty() || !instance.codePoints().allMatch(c -> c > 0x20 && c != 0x7f))) {
                throw new IllegalArgumentException("instance name: '" + printable(instance) + "' (expected: no blanks or control characters)");
            }
            return new Request(action, instance);
        }

        public String encode() {
            return action.wireValue() + (instance == null ? "" : " " + instance) + "\n";
        }

        public byte[] encodeUtf8() {
            return encode().getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * One reply.
     *
     * @param status how it went
     * @param message for the operator, one line
     */
    public record Reply(Status status, String message) {
        public Reply {
            message = printable(message);
        }

        /** Parses one line (without its LF); an unknown status word is kept in the message. */
        public static Reply decode(String line) {
            int sp = line.indexOf(' ');
            String word = sp < 0 ? line : line.substring(0, sp);
            String message = sp < 0 ? "" : line.substring(sp + 1);
            Status status = Status.fromWire(word);
            return new Reply(status, status == Status.UNKNOWN ? line : message);
        }

        public String encode() {
            return status.wireValue() + " " + message + "\n";
        }

        /** UTF-8, cut to {@link #MAX_LINE} bytes (LF included). */
        public byte[] encodeUtf8() {
            byte[] b = encode().getBytes(StandardCharsets.UTF_8);
            if (b.length <= MAX_LINE) {
                return b;
            }
            byte[] cut = Arrays.copyOf(b, MAX_LINE);
            cut[MAX_LINE - 1] = '\n';
            return cut;
        }
    }

    /** Control characters as {@code ?}, so a line logged or replied stays one line. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> sb.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return sb.toString();
    }
}
