package io.floatd.vrrp.control;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.vrrp.control.ControlProtocol.Reply;
import io.floatd.vrrp.control.ControlProtocol.Request;
import io.floatd.vrrp.control.ControlProtocol.Status;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The daemon's end of the control socket: a Unix stream socket, mode 0600 root (0660 root:GROUP with a control
 * group), in a directory only root can write; every peer is checked with {@code SO_PEERCRED} before a byte of its
 * request is read, so a socket file made reachable by mistake still admits only {@link ControlAccess}. One thread
 * accepts and answers connections one at a time: a request is one short line, read with a
 * {@value #READ_TIMEOUT_MILLIS} ms timeout. Every refusal is one log line and counted ({@link #counts()}).
 *
 * <p>Made with the FFM API (socket, bind, listen, accept4, getsockopt), as the raw VRRP sockets are: Java's own
 * Unix-domain channels do not give the peer's pid or supplementary groups.
 */
public final class ControlSocket implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.control");
    /** Where {@code floatd run} listens and {@code floatd handover} connects unless told otherwise. */
    public static final Path DEFAULT_PATH = Path.of("/run/floatd/control.sock");
    static final int READ_TIMEOUT_MILLIS = 2000;
    private static final int BACKLOG = 16;
    /** {@code sizeof(sockaddr_un.sun_path)} less its NUL. */
    private static final int SUN_PATH_MAX = 107;
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFSOCK = 0140000;

    /** What the daemon does with an admitted request. Called on the control thread; must not block for long. */
    @FunctionalInterface
    public interface Handler {
        Reply handle(Request request, PeerCredentials peer);
    }

    private final Path path;
    private final ControlAccess access;
    private final Handler handler;
    private final int fd;
    private final int wakeFd;
    private final Object inode;
    private final Map<Status, LongAdder> counts = new EnumMap<>(Status.class);
    private volatile boolean closed;
    private Thread thread;

    private ControlSocket(Path path, ControlAccess access, Handler handler, int fd, int wakeFd, Object inode) {
        this.path = path;
        this.access = access;
        this.handler = handler;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.inode = inode;
        for (Status s : Status.values()) {
            if (s != Status.UNKNOWN) {
                counts.put(s, new LongAdder());
            }
        }
    }

    /**
     * Creates the socket at {@code path} and listens, without answering yet ({@link #serve}): {@code floatd run}
     * opens it before its instances start, so a control socket in use stops it before anything is sent.
     *
     * @throws IOException with a one-line message: the directory is unsafe, another daemon listens there, ...
     */
    public static ControlSocket open(Path path, ControlAccess access, Handler handler) throws IOException {
        Path p = path.toAbsolutePath();
        byte[] name = p.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length > SUN_PATH_MAX) {
            throw new IOException(what(p) + "the path is " + name.length + " bytes long (expected: at most " + SUN_PATH_MAX + ")");
        }
        prepareDirectory(p.getParent(), access);
        removeStale(p);
        int fd = -1;
        int wakeFd = -1;
        try (Arena arena = Arena.ofConfined()) {
            fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
            MemorySegment addr = arena.allocate(2 + name.length + 1, 2); // sockaddr_un, NUL-terminated path
            addr.set(JAVA_SHORT, 0, (short) Libc.AF_UNIX);
            MemorySegment.copy(name, 0, addr, JAVA_BYTE, 2, name.length);
            Libc.bind(fd, addr, "bind " + p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(access.gid() >= 0 ? "rw-rw----" : "rw-------"));
            if (access.gid() >= 0) {
                giveToGroup(p, access);
            }
            Object inode = Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            Libc.listen(fd, BACKLOG, "listen " + p);
            wakeFd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
            return new ControlSocket(p, access, handler, fd, wakeFd, inode);
        } catch (IOException | RuntimeException e) {
            Libc.closeQuietly(fd);
            Libc.closeQuietly(wakeFd);
            if (fd >= 0) {
                Files.deleteIfExists(p);
            }
            throw e instanceof NativeException n ? new IOException(what(p) + n.getMessage(), n)
                    : e instanceof IOException io && io.getMessage() != null && io.getMessage().startsWith("control socket") ? io
                    : new IOException(what(p) + io.floatd.vrrp.log.Failures.describe(e), e);
        }
    }

    private static String what(Path p) {
        return "control socket " + p + ": ";
    }

    /**
     * The socket's directory must be a real directory that only root writes (else another user could swap the
     * socket for their own). A missing one is created 0700. With a control group the group must be able to enter
     * it: a directory only root can enter (systemd's {@code RuntimeDirectory}, mode 0700) becomes root:GROUP 0710;
     * any other is left alone, with a warning when the group cannot enter it.
     */
    private static void prepareDirectory(Path dir, ControlAccess access) throws IOException {
        boolean created = false;
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                created = true;
            } catch (IOException e) {
                throw new IOException("control socket directory " + dir + ": cannot create it: " + io.floatd.vrrp.log.Failures.describe(e), e);
            }
        }
        Map<String, Object> a = Files.readAttributes(dir, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int uid = (Integer) a.get("uid");
        int gid = (Integer) a.get("gid");
        if ((mode & S_IFMT) != S_IFDIR) {
            throw new IOException("control socket directory " + dir + ": not a directory (a symbolic link?)");
        }
        int me = euid();
        if (uid != me) {
            throw new IOException("control socket directory " + dir + ": owned by uid " + uid + " (expected: " + me
                    + ", the daemon's user; e.g. /run/floatd)");
        }
        if ((mode & 0022) != 0) {
            throw new IOException("control socket directory " + dir + ": writable by group or others (mode "
                    + octal(mode) + "; expected: only its owner writes it, e.g. /run/floatd 0700)");
        }
        if (access.gid() < 0) {
            return;
        }
        boolean groupEnters = (mode & 0001) != 0 || gid == access.gid() && (mode & 0010) != 0;
        if (groupEnters) {
            return;
        }
        if (created || (mode & 0007) == 0 && (gid == 0 || (mode & 0070) == 0)) {
            giveToGroup(dir, access);
            Files.setAttribute(dir, "unix:mode", (mode & 0700) | 0010, LinkOption.NOFOLLOW_LINKS);
            LOG.log(Level.INFO, "control socket directory {0}: group ''{1}'' may enter it now (mode 0{2}, group {1})",
                    dir, access.group(), Integer.toOctalString((mode & 0700) | 0010));
        } else {
            LOG.log(Level.WARNING, "control socket directory {0}: group ''{1}'' cannot enter it (mode {2}): its members"
                    + " cannot use floatd handover until it can", dir, access.group(), octal(mode));
        }
    }

    // root may give a file to a group it is in; any other needs CAP_CHOWN, which the shipped unit does not grant
    private static void giveToGroup(Path p, ControlAccess access) throws IOException {
        try {
            Files.setAttribute(p, "unix:gid", access.gid(), LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.FileSystemException e) {
            throw new IOException("control socket: cannot give " + p + " to group '" + access.group() + "': " + e.getReason()
                    + " (under systemd, SupplementaryGroups=" + access.group() + " in a drop-in)", e);
        }
    }

    private static String octal(int mode) {
        return "0" + Integer.toOctalString(mode & 07777);
    }

    private static int euid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** A socket file left by a daemon that died is replaced; one a live daemon answers on is not. */
    private static void removeStale(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException(what(p) + "exists and is not a socket (remove it, or choose another --control-socket)");
        }
        boolean live;
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(p))) {
            live = true;
        } catch (IOException e) {
            live = false; // connection refused: nobody listens
        }
        if (live) {
            throw new IOException(what(p) + "in use: another floatd is listening on it (--control-socket PATH or off)");
        }
        Files.delete(p);
    }

    /** Starts answering, on a thread of its own. */
    public synchronized void serve() {
        if (thread == null && !closed) {
            thread = Thread.ofPlatform().name("floatd-control").daemon(true).start(this::run);
        }
    }

    public Path path() {
        return path;
    }

    public ControlAccess access() {
        return access;
    }

    /** Connections answered so far, by outcome ({@link Status#DENIED}: refused peers). */
    public Map<Status, Long> counts() {
        Map<Status, Long> out = new EnumMap<>(Status.class);
        counts.forEach((s, n) -> out.put(s, n.sum()));
        return out;
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(16, 4); // two struct pollfd: the socket, the wake-up eventfd
            fds.set(JAVA_INT, 0, fd);
            fds.set(JAVA_SHORT, 4, Libc.POLLIN);
            fds.set(JAVA_INT, 8, wakeFd);
            fds.set(JAVA_SHORT, 12, Libc.POLLIN);
            while (!closed) {
                fds.set(JAVA_SHORT, 6, (short) 0);
                fds.set(JAVA_SHORT, 14, (short) 0);
                int ready = Libc.poll(fds, 2, -1);
                if (closed || fds.get(JAVA_SHORT, 14) != 0) {
                    return;
                }
                if (ready <= 0 || fds.get(JAVA_SHORT, 6) == 0) {
                    continue;
                }
                int conn;
                try {
                    conn = Libc.accept4(fd, Libc.SOCK_CLOEXEC, "accept");
                } catch (NativeException e) {
                    // EMFILE and the like: say so, and do not spin
                    LOG.log(Level.WARNING, "control socket {0}: {1}", path, e.getMessage());
                    Thread.sleep(100);
                    continue;
                }
                try {
                    converse(conn);
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "control socket " + path + ": request failed: " + io.floatd.vrrp.log.Failures.describe(e), e);
                } finally {
                    Libc.closeQuietly(conn);
                }
            }
        } catch (NativeException e) {
            LOG.log(Level.ERROR, "control socket {0}: stopped answering: {1}", path, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void converse(int conn) {
        PeerCredentials peer;
        try {
            peer = PeerCredentials.of(conn);
        } catch (NativeException e) {
            LOG.log(Level.WARNING, "control socket {0}: cannot tell who connected: {1}", path, e.getMessage());
            return;
        }
        if (!access.allows(peer)) {
            counts.get(Status.DENIED).increment();
            LOG.log(Level.WARNING, "control socket {0}: refused {1}: not {2} ({3} refused so far)", path, peer,
                    access.describe(), counts.get(Status.DENIED).sum());
            reply(conn, new Reply(Status.DENIED, "permission denied: uid " + Integer.toUnsignedString(peer.uid())
                    + " may not control floatd (allowed: " + access.describe() + ")"));
            return;
        }
        String line;
        try {
            line = readLine(conn);
            if (line == null) {
                LOG.log(Level.DEBUG, "control socket {0}: {1} closed without a request", path, peer);
                return; // a probe (another daemon checking whether this socket is live), or a client that gave up
            }
        } catch (IOException e) {
            counts.get(Status.BAD_REQUEST).increment();
            LOG.log(Level.WARNING, "control socket {0}: request from {1} not read: {2}", path, peer, e.getMessage());
            reply(conn, new Reply(Status.BAD_REQUEST, e.getMessage()));
            return;
        }
        Request request;
        try {
            request = Request.decode(line);
        } catch (IllegalArgumentException e) {
            counts.get(Status.BAD_REQUEST).increment();
            LOG.log(Level.WARNING, "control socket {0}: bad request from {1}: {2}", path, peer, e.getMessage());
            reply(conn, new Reply(Status.BAD_REQUEST, e.getMessage()));
            return;
        }
        Reply r = handler.handle(request, peer);
        counts.get(r.status() == Status.UNKNOWN ? Status.BAD_REQUEST : r.status()).increment();
        LOG.log(Level.INFO, "control socket: {0} {1} by {2}: {3} {4}", request.action().wireValue(),
                request.instance() == null ? "(all instances)" : request.instance(), peer, r.status().wireValue(), r.message());
        reply(conn, r);
    }

    /**
     * One line, without its LF: at most {@link ControlProtocol#MAX_LINE} bytes, within the read timeout; null when the
     * peer closes without sending a byte.
     */
    private static String readLine(int conn) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timeval = arena.allocate(16, 8);
            timeval.set(JAVA_LONG, 0, READ_TIMEOUT_MILLIS / 1000);
            timeval.set(JAVA_LONG, 8, (READ_TIMEOUT_MILLIS % 1000) * 1000L);
            Libc.setsockopt(conn, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval, "setsockopt SO_RCVTIMEO");
            MemorySegment buf = arena.allocate(ControlProtocol.MAX_LINE);
            int have = 0;
            while (have < ControlProtocol.MAX_LINE) {
                long n;
                try {
                    n = Libc.read(conn, buf.asSlice(have), "read");
                } catch (NativeException e) {
                    if (e.errno() == Libc.EINTR) {
                        continue;
                    }
                    throw new IOException(e.errno() == Libc.EAGAIN
                            ? "no complete request line within " + READ_TIMEOUT_MILLIS + " ms" : e.getMessage(), e);
                }
                if (n == 0 && have == 0) {
                    return null;
                }
                if (n == 0) {
                    throw new IOException("connection closed before a complete request line (" + have + " bytes, no LF)");
                }
                for (int i = have; i < have + n; i++) {
                    if (buf.get(JAVA_BYTE, i) == '\n') {
                        return new String(buf.asSlice(0, i).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
                    }
                }
                have += (int) n;
            }
            throw new IOException("request line longer than " + ControlProtocol.MAX_LINE + " bytes");
        }
    }

    private void reply(int conn, Reply r) {
        try (Arena arena = Arena.ofConfined()) {
            byte[] b = r.encodeUtf8();
            MemorySegment seg = arena.allocate(b.length);
            MemorySegment.copy(b, 0, seg, JAVA_BYTE, 0, b.length);
            long off = 0;
            while (off < b.length) {
                off += Libc.write(conn, seg.asSlice(off), "write");
            }
        } catch (NativeException e) {
            LOG.log(Level.DEBUG, "control socket {0}: reply not delivered: {1}", path, e.getMessage());
        }
    }

    /** Stops answering and removes the socket file (unless another daemon has replaced it since). */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
        }
        Libc.eventfdSignal(wakeFd);
        if (t != null) {
            try {
                t.join(READ_TIMEOUT_MILLIS + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Libc.closeQuietly(fd);
        Libc.closeQuietly(wakeFd);
        try {
            if (inode.equals(Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS))) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // gone already
        }
    }

    @Override
    public String toString() {
        return "ControlSocket[" + path + ", " + access.describe() + "]";
    }
}
