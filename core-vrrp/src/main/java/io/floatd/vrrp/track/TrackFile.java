package io.floatd.vrrp.track;

import io.floatd.ffm.FileCalls;
import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.vrrp.config.TrackFileConfig;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One {@code track_file}: an integer read from a file (read again on each inotify event, see {@link TrackWatch}). As in keepalived the text is
 * read as C's {@code strtol(text, NULL, 0)} would (leading blanks, a sign, {@code 0x} hex or leading-0 octal,
 * anything after the number ignored), text that is not a number and a missing file read as 0, and the value is
 * kept within -254..254.
 */
public final class TrackFile {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    private static final int MAX_BYTES = 127;

    @FunctionalInterface
    public interface Listener {
        void changed(long value);
    }

    private final TrackFileConfig config;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile long value;
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();

    public TrackFile(TrackFileConfig config) {
        this.config = config;
        initFile();
        this.value = read(config.file());
    }

    /**
     * {@code init_file}: the value written at start-up when the file does not exist, or always with {@code overwrite},
     * in place (an existing file keeps its owner and mode, as an application may be the one writing it). Never
     * through a link, and only into a regular file: track files often live in directories other users can write.
     */
    private void initFile() {
        if (config.initValue() == null) {
            return;
        }
        Path file = config.file();
        int flags = FileCalls.O_WRONLY | FileCalls.O_CREAT | FileCalls.O_NOFOLLOW | FileCalls.O_NONBLOCK
                | FileCalls.O_NOCTTY | FileCalls.O_CLOEXEC | (config.overwrite() ? 0 : FileCalls.O_EXCL);
        int fd;
        try {
            fd = FileCalls.open(file.toString(), flags, 0666); // the umask applies, as it did to Files.writeString
        } catch (NativeException e) {
            if (e.errno() == FileCalls.EEXIST) {
                return; // without overwrite, whatever is there (a link included) is left as it is
            }
            initFailed(file, e.errno() == FileCalls.ELOOP ? "it is a symbolic link, and floatd writes through none" : e.reason());
            return;
        }
        try {
            FileCalls.Stat st = FileCalls.fstat(fd);
            if (!st.isRegularFile()) {
                initFailed(file, "it is " + st.kind() + ", not a regular file");
                return;
            }
            FileCalls.ftruncate(fd, 0, "ftruncate " + file);
            FileCalls.writeFully(fd, (config.initValue() + "\n").getBytes(StandardCharsets.US_ASCII), "write " + file);
        } catch (NativeException e) {
            initFailed(file, e.reason());
        } finally {
            Libc.closeQuietly(fd);
        }
    }

    private void initFailed(Path file, String why) {
        LOG.log(Level.WARNING, "track_file {0}: cannot write init_file value to {1}: {2}", config.name(), file, why);
    }

    public String name() {
        return config.name();
    }

    /** The file's path as configured. */
    public Path path() {
        return config.file();
    }

    public long value() {
        return value;
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** Reads the file once and tells the listeners if the value changed. */
    public void poll() {
        reads.incrementAndGet();
        long now = read(config.file());
        if (now == value) {
            return;
        }
        value = now;
        LOG.log(Level.INFO, "track_file {0} now has value {1}", config.name(), now);
        for (Listener l : listeners) {
            l.changed(now);
        }
    }

    /** How many times {@link #poll()} read the file. */
    long reads() {
        return reads.get();
    }

    static long read(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(MAX_BYTES);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            return 0;
        }
        return Math.max(-254, Math.min(254, parse(new String(head, StandardCharsets.US_ASCII))));
    }

    /** C's strtol(text, NULL, 0), saturating; 0 when there is no number. */
    static long parse(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        int radix = 10;
        if (i + 1 < n && text.charAt(i) == '0' && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')
                && i + 2 < n && Character.digit(text.charAt(i + 2), 16) >= 0) {
            radix = 16;
            i += 2;
        } else if (i < n && text.charAt(i) == '0') {
            radix = 8;
        }
        long v = 0;
        while (i < n && Character.digit(text.charAt(i), radix) >= 0) {
            v = Math.min(Long.MAX_VALUE / 32, v * radix + Character.digit(text.charAt(i), radix));
            i++;
        }
        return negative ? -v : v;
    }
}
