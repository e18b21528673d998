package io.floatd.vrrp.files;

import io.floatd.ffm.FileCalls;
import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Replaces a file's content at once, never writing through a link: a new file with a random name is created in the
 * same directory ({@code O_CREAT|O_EXCL|O_NOFOLLOW}, so nothing that was there already is opened), written, given
 * its mode and {@code fsync}ed through its descriptor, then {@code rename}d over the target. A reader sees the old
 * content or the new, never part of it; a symbolic link at the target is replaced itself, and the file it pointed at
 * is left alone. Every step after the create uses the descriptor, so a link swapped in for the temporary name
 * cannot redirect the write or the {@code chmod}.
 *
 * <p>What this cannot prevent, a directory can: where another user may rename or delete root's files (writable by
 * them without the sticky bit, or owned by them) that user can still replace the result. {@link #unsafeDirectory}
 * says so, for a warning.
 */
public final class AtomicFile {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ATTEMPTS = 16;

    private AtomicFile() {
    }

    /** Writes {@code content} to {@code file} with exactly {@code mode} (the umask does not apply). */
    public static void write(Path file, byte[] content, int mode) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        String tmp = null;
        int fd = -1;
        try {
            for (int attempt = 0; fd < 0; attempt++) {
                byte[] r = new byte[8];
                RANDOM.nextBytes(r);
                String name = dir.resolve("." + target.getFileName() + "." + HexFormat.of().formatHex(r) + ".tmp").toString();
                try {
                    fd = FileCalls.open(name, FileCalls.O_WRONLY | FileCalls.O_CREAT | FileCalls.O_EXCL
                            | FileCalls.O_NOFOLLOW | FileCalls.O_CLOEXEC, 0600);
                    tmp = name;
                } catch (NativeException e) {
                    if (e.errno() != FileCalls.EEXIST || attempt == ATTEMPTS) {
                        throw e;
                    }
                }
            }
            FileCalls.writeFully(fd, content, "write " + tmp);
            FileCalls.fchmod(fd, mode, "fchmod " + tmp);
            FileCalls.fsync(fd, "fsync " + tmp);
            Libc.closeQuietly(fd);
            fd = -1;
            FileCalls.rename(tmp, target.toString());
            tmp = null;
        } finally {
            Libc.closeQuietly(fd);
            if (tmp != null) {
                try {
                    FileCalls.unlink(tmp);
                } catch (NativeException e) {
                    // nothing more to do: a stray temporary file, with a name no one else uses
                }
            }
        }
    }

    /**
     * Why another user could replace files in {@code dir} (not owned by root or this process's user; writable by
     * others, or by a group other than root's, without the sticky bit), or empty when only root can.
     */
    public static Optional<String> unsafeDirectory(Path dir) {
        FileCalls.Stat st;
        try {
            st = FileCalls.stat(dir.toString());
        } catch (NativeException e) {
            return Optional.empty(); // the write itself will say what is wrong
        }
        int euid = FileCalls.geteuid();
        String what = "owner uid " + Integer.toUnsignedString(st.uid()) + ", mode " + String.format("%04o", st.permissions());
        if (st.uid() != 0 && st.uid() != euid) {
            return Optional.of("it is owned by another user (" + what + ")");
        }
        boolean sticky = (st.permissions() & FileCalls.S_ISVTX) != 0;
        boolean othersWrite = (st.permissions() & 0002) != 0 || (st.gid() != 0 && (st.permissions() & 0020) != 0);
        if (othersWrite && !sticky) {
            return Optional.of("other users can write it and it has no sticky bit (" + what + ")");
        }
        return Optional.empty();
    }
}
