package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import io.floatd.vrrp.script.RunAs;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class TransportConfigTest {
    private static final String KEY = "k3y-k3y-k3y-k3y-k3y-k3y-k3y-k3y-k3y!";

    @TempDir
    Path dir;

    private static String conf(String transport) {
        return """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    unicast_src_ip 192.0.2.1
                    unicast_peer {
                        192.0.2.2
                    }
                    %s
                }
                """.formatted(transport);
    }

    private Path keyFile(String mode, String content) throws Exception {
        Path p = dir.resolve("key-" + mode);
        Files.writeString(p, content, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    private static List<String> errors(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(text, "k.conf"));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void defaultIsProtocol112() throws Exception {
        TransportSettings t = ConfigParser.parse(conf(""), "k.conf").instances().getFirst().transport();
        assertFalse(t.udp());
    }

    @Test
    void udpWithDefaultPortAndNoKey() throws Exception {
        TransportSettings t = ConfigParser.parse(conf("transport {\n udp\n }"), "k.conf").instances().getFirst().transport();
        assertTrue(t.udp());
        assertEquals(5112, t.port());
        assertNull(t.key());
    }

    @Test
    void udpWithPortAndKeyFile() throws Exception {
        Path key = keyFile("rw-------", KEY + "\n");
        FloatdConfig c = ConfigParser.parse(conf("transport {\n udp port 6000 auth_key_file " + key + "\n }"), "k.conf");
        TransportSettings t = c.instances().getFirst().transport();
        assertEquals(6000, t.port());
        assertEquals(KEY, new String(t.key(), StandardCharsets.US_ASCII));
        // the key never shows in a dump or toString; the dump still reads back the same
        assertFalse(c.dump().contains(KEY), c.dump());
        assertFalse(c.instances().getFirst().toString().contains(KEY));
        assertTrue(c.dump().contains("udp port 6000 auth_key_file"), c.dump());
        assertEquals(c.instances(), ConfigParser.parse(c.dump(), "dump.conf").instances());
    }

    private static String refusal(Path key, int uid, String mode) {
        return "k.conf:10: vrrp_instance VI_1: auth_key_file " + key + ": must be owned by root and not readable or writable by group or "
                + "others (owner uid " + uid + ", mode " + mode + ")";
    }

    @Test
    void keyFileReadableByOthersIsAnErrorWithFileAndLine() throws Exception {
        Path key = keyFile("rw-r--r--", KEY);
        List<String> errors = errors(conf("transport {\n udp auth_key_file " + key + "\n }"));
        assertEquals(List.of(refusal(key, 0, "0644")), errors);
        assertFalse(errors.getFirst().contains(KEY));
    }

    @Test
    void keyFileOwnedByAnotherUserIsAnError() throws Exception {
        assumeTrue(RunAs.currentUid() == 0, "runs as root, as floatd does");
        Path key = keyFile("rw-------", KEY);
        Files.setAttribute(key, "unix:uid", 65534); // nobody: who could then choose floatd's key
        assertEquals(List.of(refusal(key, 65534, "0600")), errors(conf("transport {\n udp auth_key_file " + key + "\n }")));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw----"));
        assertEquals(List.of(refusal(key, 65534, "0660")), errors(conf("transport {\n udp auth_key_file " + key + "\n }")));
    }

    @Test
    void keyFileBehindASymlinkIsAnError() throws Exception {
        Path key = keyFile("rw-------", KEY);
        Path link = Files.createSymbolicLink(dir.resolve("vrrp.key"), key);
        assertEquals(List.of("k.conf:10: vrrp_instance VI_1: auth_key_file " + link + ": is a symbolic link; name the file itself "
                + "(floatd reads no secret through a link)"), errors(conf("transport {\n udp auth_key_file " + link + "\n }")));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // fails, not hangs
    void keyFileThatIsAFifoIsAnErrorNotAHang() throws Exception {
        Path fifo = dir.resolve("vrrp.key");
        assertEquals(0, new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).start().waitFor());
        assertEquals(List.of("k.conf:10: vrrp_instance VI_1: auth_key_file " + fifo + ": is a FIFO, not a regular file"),
                errors(conf("transport {\n udp auth_key_file " + fifo + "\n }")));
    }

    @Test
    void shortKeyMissingFileAndBadOptionsAreErrors() throws Exception {
        Path shortKey = keyFile("r--------", "too short\n");
        assertTrue(errors(conf("transport {\n udp auth_key_file " + shortKey + "\n }")).getFirst().contains("at least 32"));
        assertTrue(errors(conf("transport {\n udp auth_key_file " + dir.resolve("none") + "\n }")).getFirst().endsWith(": does not exist"));
        assertTrue(errors(conf("transport {\n udp port 70000\n }")).getFirst().contains("1-65535"));
        assertTrue(errors(conf("transport {\n udp colour blue\n }")).getFirst().contains("unknown transport udp option"));
        assertTrue(errors(conf("transport {\n sctp\n }")).getFirst().contains("unknown transport 'sctp'"));
        assertTrue(errors(conf("transport {\n udp auth_key_file relative/key\n }")).getFirst().contains("absolute"));
    }
}
