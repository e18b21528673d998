package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
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

    @Test
    void keyFileReadableByOthersIsAnErrorWithFileAndLine() throws Exception {
        Path key = keyFile("rw-r--r--", KEY);
        List<String> errors = errors(conf("transport {\n udp auth_key_file " + key + "\n }"));
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().startsWith("k.conf:10: "), errors.toString());
        assertTrue(errors.getFirst().contains("chmod 600"), errors.toString());
        assertFalse(errors.getFirst().contains(KEY));
    }

    @Test
    void shortKeyMissingFileAndBadOptionsAreErrors() throws Exception {
        Path shortKey = keyFile("r--------", "too short\n");
        assertTrue(errors(conf("transport {\n udp auth_key_file " + shortKey + "\n }")).getFirst().contains("at least 32"));
        assertTrue(errors(conf("transport {\n udp auth_key_file " + dir.resolve("none") + "\n }")).getFirst().contains("cannot read"));
        assertTrue(errors(conf("transport {\n udp port 70000\n }")).getFirst().contains("1-65535"));
        assertTrue(errors(conf("transport {\n udp colour blue\n }")).getFirst().contains("unknown transport udp option"));
        assertTrue(errors(conf("transport {\n sctp\n }")).getFirst().contains("unknown transport 'sctp'"));
        assertTrue(errors(conf("transport {\n udp auth_key_file relative/key\n }")).getFirst().contains("absolute"));
    }
}
