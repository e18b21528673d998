package io.floatd.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;

/**
 * Is stderr the journal? systemd sets {@code JOURNAL_STREAM=DEV:INODE} for a service whose stderr is connected to
 * journald; a process whose stderr is that very stream (same device and inode, sd-daemon(3), systemd.exec(5)
 * "JOURNAL_STREAM") may start each line with {@code <N>}, the syslog priority journald files it under. A child that
 * inherits the variable but writes elsewhere (a terminal, a file) must not: so the variable is compared with what
 * fd 2 is, not only looked for.
 */
final class JournalStream {
    /** sd-daemon(3): {@code SD_ERR}, {@code SD_WARNING}, {@code SD_INFO}, {@code SD_DEBUG}. */
    static final String ERR = "<3>";
    static final String WARNING = "<4>";
    static final String INFO = "<6>";
    static final String DEBUG = "<7>";

    private JournalStream() {
    }

    /** Whether this process's stderr is the stream {@code $JOURNAL_STREAM} names. */
    static boolean isStderr() {
        return matches(System.getenv("JOURNAL_STREAM"), Path.of("/proc/self/fd/2"));
    }

    /** Whether {@code journalStream} ({@code DEV:INODE}, decimal) names the file or socket {@code fd} leads to. */
    static boolean matches(String journalStream, Path fd) {
        if (journalStream == null) {
            return false;
        }
        int colon = journalStream.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            long dev = Long.parseUnsignedLong(journalStream.substring(0, colon).strip());
            long ino = Long.parseUnsignedLong(journalStream.substring(colon + 1).strip());
            // stat(2) through /proc/self/fd/2 follows the magic link to the socket or file itself
            return ((Number) Files.getAttribute(fd, "unix:dev")).longValue() == dev
                    && ((Number) Files.getAttribute(fd, "unix:ino")).longValue() == ino;
        } catch (NumberFormatException | IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The prefix of a record at {@code level}: ERROR, WARNING, INFO and DEBUG (FINE and below). */
    static String prefix(Level level) {
        int l = level.intValue();
        return l >= Level.SEVERE.intValue() ? ERR
                : l >= Level.WARNING.intValue() ? WARNING
                : l >= Level.INFO.intValue() ? INFO : DEBUG;
    }

    /** Prefixes each line of {@code text} (one or more lines, each ending in a newline) with {@code prefix}. */
    static String eachLine(String prefix, String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        text.lines().forEach(line -> sb.append(prefix).append(line).append('\n'));
        return sb.toString();
    }

    /**
     * {@code err}, with {@link #ERR} before each line when {@code journal}: what floatd prints directly on stderr
     * rather than through the logger is why it stops (a configuration error, a host check, a socket that cannot open).
     */
    static PrintWriter errors(PrintWriter err, boolean journal) {
        if (!journal) {
            return err;
        }
        return new PrintWriter(new Writer() {
            private boolean lineStart = true;

            @Override
            public void write(char[] buf, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    if (lineStart) {
                        err.write(ERR);
                    }
                    err.write(buf[i]);
                    lineStart = buf[i] == '\n';
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
                err.flush();
            }
        }, true);
    }
}
