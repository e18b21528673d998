package io.floatd.cli;

import io.floatd.vrrp.files.AtomicFile;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where SIGUSR1, SIGUSR2 and SIGRTMIN+2 write: {@code floatd.data}, {@code floatd.stats} and {@code floatd.json} in
 * one directory, {@code /run/floatd} by default (keepalived writes {@code /tmp/keepalived.*}; under the packaged
 * unit's {@code PrivateTmp=yes} a file in /tmp would be in the service's own /tmp, out of the operator's sight, and
 * /run/floatd is the one directory the unit lets floatd write). Each file is replaced at once, 0600, through
 * {@link AtomicFile} (a new file created {@code O_EXCL|O_NOFOLLOW}, renamed over the old one: a symbolic link planted
 * at the name is replaced, never followed). A missing directory is created 0700; one that another user could write
 * in is used with a warning.
 */
final class DumpFiles {
    static final String DEFAULT_DIR = "/run/floatd";
    static final String DATA = "floatd.data";
    static final String STATS = "floatd.stats";
    static final String JSON = "floatd.json";

    private static final System.Logger LOG = System.getLogger("floatd");
    private final Path dir;

    DumpFiles(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    Path dir() {
        return dir;
    }

    /**
     * Writes {@code content} to {@code name} and logs one line with the path ({@code what} written to PATH); with
     * {@code logContent}, every line of it too. A failure is logged, never thrown: a dump must not stop the daemon.
     */
    void write(String what, String name, String content, boolean logContent) {
        if (logContent) {
            content.lines().forEach(l -> LOG.log(Level.INFO, l));
        }
        Path file = dir.resolve(name);
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + " is not a directory (a symbolic link?)");
            }
            AtomicFile.unsafeDirectory(dir).ifPresent(why -> LOG.log(Level.WARNING, "{0}: {1}", dir, why));
            AtomicFile.write(file, content.getBytes(StandardCharsets.UTF_8), 0600);
            LOG.log(Level.INFO, "{0} written to {1}", what, file);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "cannot write {0} to {1}: {2}", what, file, String.valueOf(e.getMessage()));
        }
    }
}
