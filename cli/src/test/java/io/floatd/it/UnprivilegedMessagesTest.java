package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user who runs floatd without root is told (issue 17): a configuration file or directory that refuses to be
 * read is named with its mode, owner and the permission missing, and who floatd runs as; a socket refused for lack of
 * privilege says to run as root or grant CAP_NET_RAW and CAP_NET_ADMIN; no Java exception class appears. floatd runs
 * here as uid 65534 (nobody) through setpriv, from a copy of its class path that user can read.
 */
class UnprivilegedMessagesTest {
    private static final int NOBODY = 65534;
    private static final String CONF = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                priority 100
                advert_int 0.1
                version 3
                unicast_peer {
                    10.199.0.2
                }
                virtual_ipaddress {
                    10.199.0.100/24
                }
            }
            """;

    @TempDir
    static Path shared;
    private static String classPath;

    @TempDir
    Path tmp;

    /** The test class path, copied where uid 65534 may read it (~/.m2 is root's). */
    @BeforeAll
    static void readableClassPath() throws IOException {
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> copied = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = shared.resolve((n++) + "-" + from.getFileName());
            if (Files.isDirectory(from)) {
                try (Stream<Path> s = Files.walk(from)) {
                    s.forEach(p -> copy(p, to.resolve(from.relativize(p).toString())));
                }
            } else {
                copy(from, to);
            }
            copied.add(to.toString());
        }
        try (Stream<Path> s = Files.walk(shared)) {
            s.forEach(p -> chmod(p, Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        classPath = String.join(":", copied);
    }

    private static void copy(Path from, Path to) {
        try {
            if (Files.isDirectory(from)) {
                Files.createDirectories(to);
            } else {
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chmod(Path p, String mode) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> asNobody(String nsName, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", nsName, "setpriv", "--reuid", String.valueOf(NOBODY),
                "--regid", String.valueOf(NOBODY), "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
                "env", "-u", "JOURNAL_STREAM", "_JAVA_SR_SIGNUM=44", ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classPath,
                "io.floatd.cli.FloatdCommand"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String run(List<String> cmd, int expectedExit) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "floatd did not finish");
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(expectedExit, p.exitValue(), out);
        return out;
    }

    private static void noJavaNames(String out) {
        assertFalse(out.contains("Exception") || out.contains("java."), () -> "a Java class name in a user-facing line:\n" + out);
    }

    @Test
    void anUnreadableFileAndAnUnsearchableDirectoryAreNamedWithTheirModeAndOwner() throws Exception {
        chmod(tmp, "rwxr-xr-x");
        Path file = Files.writeString(tmp.resolve("floatd.conf"), CONF);
        chmod(file, "rw-------");
        Path locked = Files.createDirectory(tmp.resolve("locked"));
        Path inside = Files.writeString(locked.resolve("floatd.conf"), CONF);
        chmod(locked, "rwx------");
        try (Lan lan = Lan.create("np", 1)) {
            String out = run(asNobody(lan.host(0).name(), "check", "-f", file.toString()), 1);
            assertTrue(out.contains(file + ":0: cannot read the file: permission denied: " + file
                    + " is -rw------- root:root and floatd runs as uid 65534"), out);
            assertTrue(out.contains("it needs read (r) permission; run floatd as root (sudo)"), out);
            noJavaNames(out);

            String out2 = run(asNobody(lan.host(0).name(), "check", "-f", inside.toString()), 1);
            assertTrue(out2.contains(inside + ": permission denied: the directory " + locked
                    + " is drwx------ root:root and floatd runs as uid 65534"), out2);
            assertTrue(out2.contains("it needs search (x) permission there"), out2);
            assertFalse(out2.contains("no such configuration file"), "the file is there, the directory is closed: " + out2);
            noJavaNames(out2);
        }
    }

    @Test
    void aSocketRefusedForLackOfPrivilegeSaysRunAsRootOrGrantTheCapabilities() throws Exception {
        chmod(tmp, "rwxr-xr-x");
        Path conf = Files.writeString(tmp.resolve("floatd.conf"), CONF);
        chmod(conf, "rw-r--r--");
        Path run = Files.createDirectory(tmp.resolve("run"));
        Files.setOwner(run, run.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        Path log = tmp.resolve("floatd.log");
        try (Lan lan = Lan.create("nq", 1)) {
            Process p = new ProcessBuilder(asNobody(lan.host(0).name(), "run", "-f", conf.toString(), "--status-address", "off",
                    "--control-socket", run.resolve("control.sock").toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.readString(log).contains("cannot start") && System.nanoTime() < end && p.isAlive()) {
                    Thread.sleep(20);
                }
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
                p.destroyForcibly();
            }
            String out = Files.readString(log);
            String line = out.lines().filter(l -> l.contains("VRRP_Instance(VI_1) cannot start")).findFirst()
                    .orElseThrow(() -> new AssertionError("no 'cannot start' line:\n" + out));
            assertTrue(line.contains("socket: Operation not permitted"), line);
            assertTrue(line.contains("floatd needs root, or the capabilities CAP_NET_RAW and CAP_NET_ADMIN"), line);
            noJavaNames(out);
        }
    }
}
