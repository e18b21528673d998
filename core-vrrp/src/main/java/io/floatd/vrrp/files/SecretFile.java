package io.floatd.vrrp.files;

import io.floatd.ffm.FileCalls;
import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A file a secret is read from ({@code auth_key_file}, DigitalOcean's {@code token_file}): a regular file, named
 * itself rather than through a symbolic link, owned by root or the user floatd runs as, and giving group and others
 * no access at all. Whoever else could write it could choose floatd's key; whoever else could read it could forge
 * adverts or move the address. As ssh does with a private key, a file that breaks a rule is refused, not used.
 *
 * <p>The checks are made on the opened descriptor ({@code O_NOFOLLOW}, then {@code fstat}), so the file checked is
 * the file read.
 */
public final class SecretFile {
    /** A secret is a key or a token; anything larger is not one. */
    public static final int MAX_BYTES = 64 * 1024;

    private SecretFile() {
    }

    /**
     * The file's bytes.
     *
     * @param keyword the configuration keyword naming the file, for the message ({@code auth_key_file})
     * @throws IOException with one line that names the keyword, the file and what is wrong, never the content
     */
    public static byte[] read(String keyword, Path file) throws IOException {
        String where = keyword + " " + file;
        int fd;
        try {
            // O_NONBLOCK: a FIFO put at the path must not hang the daemon (or floatd check) in open
            fd = FileCalls.open(file.toString(), FileCalls.O_RDONLY | FileCalls.O_NOFOLLOW | FileCalls.O_NONBLOCK
                    | FileCalls.O_NOCTTY | FileCalls.O_CLOEXEC, 0);
        } catch (NativeException e) {
            throw new IOException(switch (e.errno()) {
                case FileCalls.ELOOP -> where + ": is a symbolic link; name the file itself (floatd reads no secret through a link)";
                case FileCalls.ENOENT -> where + ": does not exist";
                default -> where + ": cannot open it: " + e.reason();
            });
        }
        try {
            FileCalls.Stat st = FileCalls.fstat(fd);
            if (!st.isRegularFile()) {
                throw new IOException(where + ": is " + st.kind() + ", not a regular file");
            }
            int euid = FileCalls.geteuid();
            if ((st.uid() != 0 && st.uid() != euid) || (st.permissions() & 077) != 0) {
                throw new IOException(where + ": must be owned by root" + (euid == 0 ? "" : " or uid " + euid + " (floatd's user)")
                        + " and not readable or writable by group or others (owner uid " + Integer.toUnsignedString(st.uid())
                        + ", mode " + String.format("%04o", st.permissions()) + ")");
            }
            if (st.size() > MAX_BYTES) {
                throw new IOException(where + ": holds " + st.size() + " bytes; a key or token is at most " + MAX_BYTES);
            }
            return readAll(fd, where);
        } catch (NativeException e) {
            throw new IOException(where + ": cannot read it: " + e.reason());
        } finally {
            Libc.closeQuietly(fd);
        }
    }

    private static byte[] readAll(int fd, String where) throws IOException {
        var out = new ByteArrayOutputStream();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(4096);
            for (long n; (n = Libc.read(fd, buf, "read")) > 0; ) {
                out.write(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                if (out.size() > MAX_BYTES) {
                    throw new IOException(where + ": holds more than " + MAX_BYTES + " bytes; a key or token is not that long");
                }
            }
        }
        return out.toByteArray();
    }
}
