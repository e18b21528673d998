package io.floatd.vrrp.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Netns;
import io.floatd.vrrp.control.ControlProtocol.Action;
import io.floatd.vrrp.control.ControlProtocol.Reply;
import io.floatd.vrrp.control.ControlProtocol.Request;
import io.floatd.vrrp.control.ControlProtocol.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control socket: its modes, and SO_PEERCRED deciding who is served whatever the modes. Peers other than root
 * are real processes run with {@code setpriv} as nobody (uid 65534), talking through perl's {@code IO::Socket::UNIX}.
 * Needs root (it runs as root and switches users).
 */
@Timeout(60)
class ControlSocketTest {
    private static final int NOGROUP = 65534;
    private static final int DAEMON_GID = 1;

    @TempDir
    Path tmp;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<Request> handled = new CopyOnWriteArrayList<>();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Logger log = Logger.getLogger("floatd.control");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getLevel() + " " + new SimpleFormatter().formatMessage(r));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void requireRoot() {
        Netns.requireRoot();
        log.addHandler(capture);
    }

    @AfterEach
    void close() throws Exception {
        log.removeHandler(capture);
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private ControlSocket open(Path path, ControlAccess access) throws IOException {
        ControlSocket s = ControlSocket.open(path, access, (request, peer) -> {
            handled.add(request);
            return new Reply(Status.OK, request.action().wireValue() + ": VI_1 (by uid " + peer.uid() + ")");
        });
        closing.add(s);
        s.serve();
        return s;
    }

    /** The path made reachable by anyone, as a mistaken chmod would: then only SO_PEERCRED stands in the way. */
    private static void openToEveryone(Path sock) throws IOException {
        for (Path d = sock.getParent(); d != null && !d.equals(Path.of("/tmp")) && !d.equals(Path.of("/")); d = d.getParent()) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
        }
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    private record Run(int exit, String out) {
    }

    /** {@code setpriv --reuid nobody --regid GID [groups]} perl: connects, sends {@code line}, prints the reply. */
    private static Run asNobody(int gid, String groups, Path sock, String line) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid", "65534", "--regid", String.valueOf(gid)));
        cmd.addAll(groups == null ? List.of("--clear-groups") : List.of("--groups", groups));
        cmd.addAll(List.of("perl", "-MIO::Socket::UNIX", "-e",
                // a refused peer is answered and closed before its request is read: its write may meet EPIPE
                "$SIG{PIPE} = 'IGNORE'; my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or do { print \"connect: $!\\n\"; exit 3 };"
                        + " print $s \"$ARGV[1]\\n\"; my $r = <$s>; print defined $r ? $r : \"no reply\\n\";",
                sock.toString(), line));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "perl did not finish");
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static int gid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void theSocketIs0600RootInA0700DirectoryItCreates() throws Exception {
        Path sock = tmp.resolve("run/floatd/control.sock");
        Files.createDirectories(sock.getParent().getParent());
        open(sock, ControlAccess.ROOT);
        assertEquals(0700, mode(sock.getParent()));
        assertEquals(0600, mode(sock));
        assertEquals(0, (Integer) Files.getAttribute(sock, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.readAttributes(sock, java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther());
    }

    @Test
    void rootIsServedWithOneReplyLine() throws Exception {
        Path sock = tmp.resolve("ctl/control.sock");
        ControlSocket s = open(sock, ControlAccess.ROOT);
        Reply r = ControlClient.call(sock, new Request(Action.HANDOVER, "VI_1"), Duration.ofSeconds(5));
        assertEquals(new Reply(Status.OK, "handover: VI_1 (by uid 0)"), r);
        assertEquals(List.of(new Request(Action.HANDOVER, "VI_1")), handled);
        assertEquals(1L, s.counts().get(Status.OK));
        assertTrue(logged.stream().anyMatch(l -> l.matches("INFO control socket: handover VI_1 by pid \\d+ uid 0 gid 0: ok .*")), logged.toString());
    }

    /** The rule: a peer that is neither root nor in the control group is refused, however it reached the socket. */
    @Test
    void aPeerNeitherRootNorInTheGroupIsRefusedWithALogLineAndACounter() throws Exception {
        Path sock = tmp.resolve("ctl/control.sock");
        ControlSocket s = open(sock, ControlAccess.ROOT);
        openToEveryone(sock);
        Run r = asNobody(NOGROUP, null, sock, "handover VI_1");
        assertEquals("denied permission denied: uid 65534 may not control floatd (allowed: root)\n", r.out());
        assertEquals(List.of(), handled, "nothing was done");
        assertEquals(1L, s.counts().get(Status.DENIED));
        List<String> refusals = logged.stream().filter(l -> l.contains("refused")).toList();
        assertEquals(1, refusals.size(), logged.toString());
        assertTrue(refusals.getFirst().matches("WARNING control socket \\S+: refused pid \\d+ uid 65534 gid 65534: not root \\(1 refused so far\\)"),
                refusals.getFirst());

        asNobody(NOGROUP, null, sock, "resume");
        assertEquals(2L, s.counts().get(Status.DENIED), "every refusal is counted");
        assertEquals(2, logged.stream().filter(l -> l.contains("refused")).count(), "and logged");
    }

    @Test
    void theModesAloneKeepAnUnprivilegedUserOut() throws Exception {
        Path sock = tmp.resolve("ctl/control.sock");
        open(sock, ControlAccess.ROOT);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x")); // the temp dir, not ours
        Run r = asNobody(NOGROUP, null, sock, "handover");
        assertEquals("connect: Permission denied\n", r.out());
        assertEquals(List.of(), handled);
    }

    @Test
    void membersOfTheControlGroupAreServedByTheirPrimaryOrASupplementaryGroup() throws Exception {
        Path sock = tmp.resolve("ctl/control.sock");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        ControlSocket s = open(sock, ControlAccess.rootOrGroup("nogroup"));
        assertEquals(0660, mode(sock));
        assertEquals(NOGROUP, gid(sock));
        assertEquals(0710, mode(sock.getParent()), "the group may enter the directory, not list it");
        assertEquals(NOGROUP, gid(sock.getParent()));

        assertEquals("ok handover: VI_1 (by uid 65534)\n", asNobody(NOGROUP, null, sock, "handover VI_1").out());
        assertEquals("ok resume: VI_1 (by uid 65534)\n", asNobody(DAEMON_GID, String.valueOf(NOGROUP), sock, "resume").out(),
                "a supplementary group counts (SO_PEERGROUPS)");
        openToEveryone(sock);
        Run refused = asNobody(DAEMON_GID, null, sock, "handover");
        assertEquals("denied permission denied: uid 65534 may not control floatd (allowed: root or members of group 'nogroup')\n",
                refused.out());
        assertEquals(2L, s.counts().get(Status.OK));
        assertEquals(1L, s.counts().get(Status.DENIED));
    }

    @Test
    void anUnsafeDirectoryIsRefused() throws Exception {
        Path open = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> open(open.resolve("control.sock"), ControlAccess.ROOT));
        assertEquals("control socket directory " + open + ": writable by group or others (mode 0777; expected: only its"
                + " owner writes it, e.g. /run/floatd 0700)", e.getMessage());

        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        Files.setAttribute(theirs, "unix:uid", 65534);
        e = assertThrows(IOException.class, () -> open(theirs.resolve("control.sock"), ControlAccess.ROOT));
        assertTrue(e.getMessage().startsWith("control socket directory " + theirs + ": owned by uid 65534"), e.getMessage());

        Path link = Files.createSymbolicLink(tmp.resolve("link"), Files.createDirectory(tmp.resolve("real")));
        e = assertThrows(IOException.class, () -> open(link.resolve("control.sock"), ControlAccess.ROOT));
        assertTrue(e.getMessage().contains("not a directory (a symbolic link?)"), e.getMessage());
    }

    @Test
    void aLiveSocketIsNotTakenOverAndAStaleOneIsReplaced() throws Exception {
        Path sock = tmp.resolve("ctl/control.sock");
        ControlSocket first = open(sock, ControlAccess.ROOT);
        IOException e = assertThrows(IOException.class, () -> open(sock, ControlAccess.ROOT));
        assertEquals("control socket " + sock + ": in use: another floatd is listening on it (--control-socket PATH or off)",
                e.getMessage());
        assertEquals(Status.OK, ControlClient.call(sock, new Request(Action.RESUME, null), Duration.ofSeconds(5)).status(),
                "the first daemon still answers");
        first.close();
        assertTrue(Files.notExists(sock), "removed on close");

        // a daemon killed with SIGKILL leaves its socket file: nobody listens on it
        try (SocketChannel ch = SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(sock));
        }
        assertTrue(Files.exists(sock));
        open(sock, ControlAccess.ROOT);
        assertEquals(Status.OK, ControlClient.call(sock, new Request(Action.RESUME, null), Duration.ofSeconds(5)).status());

        Path file = tmp.resolve("ctl/not-a-socket");
        Files.writeString(file, "x");
        e = assertThrows(IOException.class, () -> open(file, ControlAccess.ROOT));
        assertTrue(e.getMessage().endsWith("exists and is not a socket (remove it, or choose another --control-socket)"), e.getMessage());
    }

    @Test
    void aSilentOrRamblingPeerGetsABadRequestAndTheNextIsServed() throws Exception {
        Path sock = tmp.resolve("ctl/control.sock");
        ControlSocket s = open(sock, ControlAccess.ROOT);
        try (SocketChannel silent = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            long t0 = System.nanoTime();
            ByteBuffer buf = ByteBuffer.allocate(600);
            while (silent.read(buf) >= 0) {
                // until the daemon closes
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= ControlSocket.READ_TIMEOUT_MILLIS - 100 && ms < ControlSocket.READ_TIMEOUT_MILLIS + 3000, ms + " ms");
            assertEquals("bad-request no complete request line within 2000 ms\n",
                    new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        }
        try (SocketChannel rambling = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                OutputStream out = java.nio.channels.Channels.newOutputStream(rambling)) {
            out.write("x".repeat(2000).getBytes(StandardCharsets.US_ASCII));
            ByteBuffer buf = ByteBuffer.allocate(600);
            while (rambling.read(buf) >= 0) {
                // until the daemon closes
            }
            assertEquals("bad-request request line longer than 512 bytes\n", new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the daemon may close while the rest is still being written: the reply was checked above when it came
        }
        Reply r = ControlClient.call(sock, new Request(Action.HANDOVER, null), Duration.ofSeconds(5));
        assertEquals(Status.OK, r.status());
        Reply bad = rawCall(sock, "reboot now");
        assertEquals(new Reply(Status.BAD_REQUEST, "unknown action: 'reboot' (expected: handover, resume)"), bad);
        assertEquals(List.of(new Request(Action.HANDOVER, null)), handled);
        assertTrue(s.counts().get(Status.BAD_REQUEST) >= 2, s.counts().toString());
    }

    private static Reply rawCall(Path sock, String line) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buf = ByteBuffer.allocate(600);
            while (ch.read(buf) >= 0) {
                // until the daemon closes
            }
            return Reply.decode(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip());
        }
    }
}
