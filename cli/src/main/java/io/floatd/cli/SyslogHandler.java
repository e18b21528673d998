package io.floatd.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * {@code floatd run --syslog[=FACILITY]}: each log line to the local syslog daemon, for hosts without systemd (issue
 * 17), in the shape glibc's syslog(3) sends: {@code <PRI>Mmm dd hh:mm:ss floatd[PID]: message}, PRI being the
 * facility times 8 plus the severity journald's prefixes use ({@link JournalStream#prefix}). The facility is
 * keepalived's {@code -S}: 0-7 for local0-local7, or a name (daemon when none is given).
 */
final class SyslogHandler extends Handler {
    /** RFC 3164's timestamp, local time, the day padded with a space. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    private final SyslogSocket socket;
    private final int facility;
    private final String tag;

    SyslogHandler(SyslogSocket socket, int facility) {
        this.socket = socket;
        this.facility = facility;
        this.tag = "floatd[" + ProcessHandle.current().pid() + "]: ";
    }

    /** The facility code of {@code name} (keepalived's -S: 0-7 are local0-local7), or -1 when it names none. */
    static int facility(String name) {
        return switch (name) {
            case "user" -> 1;
            case "daemon" -> 3;
            default -> name.matches("[0-7]") ? 16 + Integer.parseInt(name)
                    : name.matches("local[0-7]") ? 16 + Integer.parseInt(name.substring(5)) : -1;
        };
    }

    @Override
    public void publish(LogRecord r) {
        if (!isLoggable(r)) {
            return;
        }
        // the journal's priority prefix, "<3>" .. "<7>", is the syslog severity
        String p = JournalStream.prefix(r.getLevel());
        int severity = p.charAt(1) - '0';
        String head = "<" + (facility * 8 + severity) + ">"
                + TIME.format(Instant.ofEpochMilli(r.getMillis()).atZone(ZoneId.systemDefault())) + " " + tag;
        // one datagram per line (a --debug trace's too), without the "floatd: " the tag already says
        getFormatter().format(r).lines().forEach(line ->
                socket.send(head + (line.startsWith("floatd: ") ? line.substring(8) : line)));
    }

    @Override
    public void flush() {
        // each line is sent as it comes
    }

    @Override
    public void close() {
        socket.close();
    }
}
