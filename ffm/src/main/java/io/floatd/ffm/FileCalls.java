package io.floatd.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The file system calls floatd needs where {@link java.nio.file.Files} cannot say what it means: open without
 * following a link or blocking on a FIFO, {@code fstat} of the descriptor just opened, {@code fchmod}/{@code fsync}
 * on a descriptor, {@code rename}. Linux only; {@code O_NOFOLLOW} and {@code O_DIRECTORY} differ between x86-64 and
 * aarch64, everything else here is shared. {@code stat} is read through {@code statx}, whose layout is the same on
 * every architecture (glibc 2.28, Linux 4.11).
 */
@SuppressWarnings("restricted")
public final class FileCalls {
    private FileCalls() {
    }

    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));

    public static final int O_WRONLY = 1;
    public static final int O_RDONLY = 0;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;

    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 060000;
    public static final int S_IFDIR = 040000;
    public static final int S_IFCHR = 020000;
    public static final int S_IFIFO = 010000;
    public static final int S_ISVTX = 01000;

    public static final int ENOENT = 2;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int EEXIST = 17;
    public static final int ELOOP = 40;

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_BASIC_STATS = 0x7ff;
    // struct statx (include/uapi/linux/stat.h): the fields read here and the size
    private static final long STATX_SIZE = 256;
    private static final long STX_UID = 20;
    private static final long STX_GID = 24;
    private static final long STX_MODE = 28;
    private static final long STX_SIZE = 40;

    private static final MethodHandle OPEN = Libc.errnoCall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle STATX = Libc.errnoCall("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle FCHMOD = Libc.errnoCall("fchmod", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle FSYNC = Libc.errnoCall("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FTRUNCATE = Libc.errnoCall("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle RENAME = Libc.errnoCall("rename", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle UNLINK = Libc.errnoCall("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle GETEUID = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("geteuid"), FunctionDescriptor.of(JAVA_INT));

    /**
     * What {@code stat} says about a file.
     *
     * @param mode type and permission bits ({@code st_mode})
     * @param uid the owner's user id
     * @param gid the owner's group id
     * @param size the size in bytes
     */
    public record Stat(int mode, int uid, int gid, long size) {
        /** The file type bits ({@code S_IFREG}, {@code S_IFDIR}, ...). */
        public int type() {
            return mode & S_IFMT;
        }

        /** The permission bits, setuid, setgid and sticky included. */
        public int permissions() {
            return mode & 07777;
        }

        /** Whether it is a FIFO (named pipe). */
        public boolean isFifo() {
            return type() == S_IFIFO;
        }

        /** Whether it is a regular file. */
        public boolean isRegularFile() {
            return type() == S_IFREG;
        }

        /** Whether it is a directory. */
        public boolean isDirectory() {
            return type() == S_IFDIR;
        }

        /** The kind of file, as a user would name it: "a regular file", "a character device (a terminal?)". */
        public String kind() {
            return switch (type()) {
                case S_IFREG -> "a regular file";
                case S_IFDIR -> "a directory";
                case S_IFIFO -> "a FIFO";
                case S_IFLNK -> "a symbolic link";
                case S_IFCHR -> "a character device (a terminal?)";
                case S_IFBLK -> "a block device";
                case S_IFSOCK -> "a socket";
                default -> String.format("a file of type 0%o", type());
            };
        }
    }

    /** {@code open(path, flags, mode)}; {@code mode} matters only with {@code O_CREAT} (the umask applies to it). */
    public static int open(String path, int flags, int mode) throws NativeException {
        MemorySegment c = Libc.capture();
        try (Arena a = Arena.ofConfined()) {
            return Libc.checked((int) OPEN.invokeExact(c, a.allocateFrom(path), flags, mode), c, "open " + path);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    /** {@code fstat(fd)}. */
    public static Stat fstat(int fd) throws NativeException {
        return statx(fd, "", AT_EMPTY_PATH, "fstat");
    }

    /** {@code lstat(path)}: a symbolic link is described, not followed. */
    public static Stat lstat(String path) throws NativeException {
        return statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, "lstat " + path);
    }

    /** {@code stat(path)}: links are followed. */
    public static Stat stat(String path) throws NativeException {
        return statx(AT_FDCWD, path, 0, "stat " + path);
    }

    private static Stat statx(int dirfd, String path, int flags, String what) throws NativeException {
        MemorySegment c = Libc.capture();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(STATX_SIZE, 8);
            Libc.checked((int) STATX.invokeExact(c, dirfd, a.allocateFrom(path), flags, STATX_BASIC_STATS, buf), c, what);
            return new Stat(Short.toUnsignedInt(buf.get(JAVA_SHORT, STX_MODE)), buf.get(JAVA_INT, STX_UID),
                    buf.get(JAVA_INT, STX_GID), buf.get(JAVA_LONG, STX_SIZE));
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    /** {@code fchmod(fd, mode)}: exactly {@code mode}, whatever the umask. */
    public static void fchmod(int fd, int mode, String what) throws NativeException {
        MemorySegment c = Libc.capture();
        try {
            Libc.checked((int) FCHMOD.invokeExact(c, fd, mode), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    /** {@code fsync(fd)}: the file's data and metadata on disk. */
    public static void fsync(int fd, String what) throws NativeException {
        MemorySegment c = Libc.capture();
        try {
            Libc.checked((int) FSYNC.invokeExact(c, fd), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    /** {@code ftruncate(fd, length)}. */
    public static void ftruncate(int fd, long length, String what) throws NativeException {
        MemorySegment c = Libc.capture();
        try {
            Libc.checked((int) FTRUNCATE.invokeExact(c, fd, length), c, what);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    /** {@code rename(from, to)}: a link at {@code to} is replaced itself, never followed. */
    public static void rename(String from, String to) throws NativeException {
        MemorySegment c = Libc.capture();
        try (Arena a = Arena.ofConfined()) {
            Libc.checked((int) RENAME.invokeExact(c, a.allocateFrom(from), a.allocateFrom(to)), c, "rename " + from + " " + to);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    /** {@code unlink(path)}: a link is removed itself, never followed. */
    public static void unlink(String path) throws NativeException {
        MemorySegment c = Libc.capture();
        try (Arena a = Arena.ofConfined()) {
            Libc.checked((int) UNLINK.invokeExact(c, a.allocateFrom(path)), c, "unlink " + path);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }

    /** Writes all of {@code bytes} (a regular file may take them in several writes). */
    public static void writeFully(int fd, byte[] bytes, String what) throws NativeException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.max(1, bytes.length));
            buf.copyFrom(MemorySegment.ofArray(bytes));
            long done = 0;
            while (done < bytes.length) {
                done += Libc.write(fd, buf.asSlice(done, bytes.length - done), what);
            }
        }
    }

    /** The effective user id of this process. */
    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw Libc.bug(t);
        }
    }
}
