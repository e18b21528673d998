package io.floatd.cli;

import io.floatd.vrrp.status.Json;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event on stderr, in the shape keepalived users grep for. Under systemd (JOURNAL_STREAM set)
 * the journal adds its own timestamp, so none is printed. Stack traces only at debug level.
 */
final class LogSetup {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private LogSetup() {
    }

    /** {@code --log-format}. */
    enum Format { text, json }

    static void install(boolean debug, PrintStream err) {
        install(debug, err, Format.text);
    }

    static void install(boolean debug, PrintStream err, Format format) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler h = new LineHandler(err);
        boolean journal = System.getenv("JOURNAL_STREAM") != null;
        h.setFormatter(format == Format.json ? new JsonFormatter(debug) : new LineFormatter(!journal, debug));
        h.setLevel(debug ? Level.FINE : Level.INFO);
        root.addHandler(h);
        root.setLevel(debug ? Level.FINE : Level.INFO);
    }

    /** Writes each record at once; unlike ConsoleHandler it never closes the stream it was given. */
    static final class LineHandler extends Handler {
        private final PrintStream out;

        LineHandler(PrintStream out) {
            this.out = out;
        }

        @Override
        public void publish(LogRecord r) {
            if (isLoggable(r)) {
                out.print(getFormatter().format(r));
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
                for (StackTraceElement e : r.getThrown().getStackTrace()) {
                    sb.append("\tat ").append(e).append('\n');
                }
            }
            return sb.toString();
        }
    }

    /**
     * {@code --log-format json}: one object per line, {@code {"ts":"2026-11-22T05:20:01.123Z","level":"INFO",
     * "logger":"floatd.vrrp","msg":"..."}}, plus {@code "error"} (and {@code "trace"} at debug level) when an
     * exception is attached. Always with a timestamp: a log shipper reads it, not the journal.
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
            Json.Writer w = new Json.Writer(new StringBuilder(160));
            w.beginObject()
                    .field("ts", Instant.ofEpochMilli(r.getMillis()).toString())
                    .field("level", level(r.getLevel()))
                    .field("logger", r.getLoggerName())
                    .field("msg", formatMessage(r));
            Throwable t = r.getThrown();
            if (t != null) {
                w.field("error", t.toString());
                if (traces) {
                    StringBuilder sb = new StringBuilder();
                    for (StackTraceElement e : t.getStackTrace()) {
                        sb.append(e).append('\n');
                    }
                    w.field("trace", sb.toString());
                }
            }
            return w.endObject() + "\n";
        }
    }
}
