package io.floatd.cli;

import io.floatd.vrrp.status.Json;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event on stderr, in the shape keepalived users grep for. When stderr is the journal
 * ({@link JournalStream}), each line starts with its syslog priority ({@code <3>} error, {@code <4>} warning,
 * {@code <6>} info, {@code <7>} debug) and carries no timestamp (the journal adds its own); otherwise lines are
 * plain and timestamped. Stack traces only at debug level.
 */
final class LogSetup {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private LogSetup() {
    }

    /** {@code --log-format}. */
    enum Format { text, json }

    static boolean install(boolean debug, PrintStream err) {
        return install(debug, err, Format.text);
    }

    /** Returns whether stderr is the journal (lines carry priorities). */
    static boolean install(boolean debug, PrintStream err, Format format) {
        return install(debug, err, format, JournalStream.isStderr());
    }

    static boolean install(boolean debug, PrintStream err, Format format, boolean journal) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler h = new LineHandler(err, journal);
        h.setFormatter(format == Format.json ? new JsonFormatter(debug) : new LineFormatter(!journal, debug));
        h.setLevel(debug ? Level.FINE : Level.INFO);
        root.addHandler(h);
        root.setLevel(debug ? Level.FINE : Level.INFO);
        for (Logger wire : WIRE_LOGGERS) {
            wire.setLevel(Level.INFO);
        }
        return journal;
    }

    /**
     * {@code --syslog}: every record to {@code syslog} instead of stderr, as a line without timestamp (syslog adds its
     * own) or, with {@code --log-format json}, one object; what floatd prints rather than logs stays on stderr.
     */
    static void installSyslog(boolean debug, SyslogHandler syslog, Format format) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        syslog.setFormatter(format == Format.json ? new JsonFormatter(debug) : new LineFormatter(false, debug));
        syslog.setLevel(debug ? Level.FINE : Level.INFO);
        root.addHandler(syslog);
        root.setLevel(debug ? Level.FINE : Level.INFO);
        for (Logger wire : WIRE_LOGGERS) {
            wire.setLevel(Level.INFO);
        }
    }

    /**
     * Apache HttpClient's (the AWS SDK's and the DigitalOcean client's transport) header and wire logs print every
     * request as sent: the DigitalOcean token in {@code Authorization: Bearer}, the AWS session token in
     * {@code X-Amz-Security-Token}. Secrets never reach a log, so they stay at INFO (they say nothing there) even with
     * {@code --debug}. Held here: JUL keeps loggers weakly, and a collected logger forgets its level.
     */
    private static final List<Logger> WIRE_LOGGERS = List.of(Logger.getLogger("org.apache.http.headers"),
            Logger.getLogger("org.apache.http.wire"));

    /**
     * Writes each record at once; unlike ConsoleHandler it never closes the stream it was given. For the journal,
     * every line of the record (a trace's too) starts with the record's priority: journald reads it line by line.
     */
    static final class LineHandler extends Handler {
        private final PrintStream out;
        private final boolean priorities;

        LineHandler(PrintStream out) {
            this(out, false);
        }

        LineHandler(PrintStream out, boolean priorities) {
            this.out = out;
            this.priorities = priorities;
        }

        @Override
        public void publish(LogRecord r) {
            if (isLoggable(r)) {
                String text = getFormatter().format(r);
                out.print(priorities ? JournalStream.eachLine(JournalStream.prefix(r.getLevel()), text) : text);
                out.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }

    static final class LineFormatter extends Formatter {
        private final boolean timestamps;
        private final boolean traces;

        LineFormatter(boolean timestamps, boolean traces) {
            this.timestamps = timestamps;
            this.traces = traces;
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(128);
            if (timestamps) {
                sb.append(TIME.format(Instant.ofEpochMilli(r.getMillis()))).append(' ');
            }
            sb.append("floatd: ");
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                sb.append(r.getLevel() == Level.SEVERE ? "ERROR: " : "WARNING: ");
            }
            sb.append(formatMessage(r)).append('\n');
            if (traces && r.getThrown() != null) {
                appendTrace(sb, r.getThrown());
            }
            return sb.toString();
        }
    }

    /**
     * The {@code --debug} trace: each throwable of the chain by its class and message (what user-facing lines leave
     * out, issue 17), then its frames.
     */
    static void appendTrace(StringBuilder sb, Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            sb.append(t == thrown ? "\t" : "\tCaused by: ").append(t).append('\n');
            for (StackTraceElement e : t.getStackTrace()) {
                sb.append("\tat ").append(e).append('\n');
            }
        }
    }

    /**
     * {@code --log-format json}: one object per line, {@code {"ts":"2026-11-22T05:20:01.123Z","level":"INFO",
     * "logger":"floatd.vrrp","msg":"..."}}, plus {@code "error"} when an exception is attached: what failed in words
     * ({@link io.floatd.vrrp.log.Failures}); at debug level the exception's class and message, and {@code "trace"}. Always with a timestamp: a log shipper reads it, not the journal.
     */
    static final class JsonFormatter extends Formatter {
        private final boolean traces;

        JsonFormatter(boolean traces) {
            this.traces = traces;
        }

        static String level(Level l) {
            if (l.intValue() >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (l.intValue() >= Level.WARNING.intValue()) {
                return "WARNING";
            }
            if (l.intValue() >= Level.INFO.intValue()) {
                return "INFO";
            }
            return "DEBUG";
        }

        @Override
        public String format(LogRecord r) {
            Json.Writer w = new Json.Writer();
            w.beginObject()
                    .field("ts", Instant.ofEpochMilli(r.getMillis()).toString())
                    .field("level", level(r.getLevel()))
                    .field("logger", r.getLoggerName())
                    .field("msg", formatMessage(r));
            Throwable t = r.getThrown();
            if (t != null) {
                w.field("error", traces ? t.toString() : io.floatd.vrrp.log.Failures.describe(t));
                if (traces) {
                    StringBuilder sb = new StringBuilder();
                    appendTrace(sb, t);
                    w.field("trace", sb.toString());
                }
            }
            return w.endObject() + "\n";
        }
    }
}
