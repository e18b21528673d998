package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two real floatd processes with {@code transport { udp auth_key_file ... }} while iptables drops protocol 112 on
 * both: only the UDP adverts can carry the election, as behind a DigitalOcean cloud firewall.
 */
@Timeout(90)
class UdpTransportTest {
    private static final String VIP = Lan.SUBNET_PREFIX + "101";
    private static final String KEY = "it-key-it-key-it-key-it-key-it-key-0123";
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration STEP = Duration.ofSeconds(5);

    private static Lan lan;
    private static Path keyFile;
    private final List<FloatdProcess> daemons = new ArrayList<>();

    @BeforeAll
    static void createLan() throws Exception {
        Netns.requireRoot();
        lan = Lan.create("uu", 2);
        for (int node = 0; node < 2; node++) {
            lan.host(node).exec("iptables", "-A", "INPUT", "-p", "112", "-j", "DROP");
        }
        keyFile = Files.createTempFile("floatd-udp-", ".key");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(keyFile, KEY + "\n", StandardCharsets.US_ASCII);
    }

    @AfterAll
    static void deleteLan() throws Exception {
        if (lan != null) {
            lan.close();
        }
        if (keyFile != null) {
            Files.deleteIfExists(keyFile);
        }
    }

    @AfterEach
    void stop() {
        daemons.forEach(FloatdProcess::close);
        daemons.clear();
    }

    private FloatdProcess start(int node, int priority) {
        int peer = 1 - node;
        FloatdProcess p = FloatdProcess.start(lan.host(node), script -> """
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 52
                    priority %d
                    advert_int 0.1
                    version 3
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    virtual_ipaddress {
                        %s/24 dev eth0
                    }
                    transport {
                        udp port 5112 auth_key_file %s
                    }
                    notify %s
                }
                """.formatted(priority, Lan.address(node), Lan.address(peer), VIP, keyFile, script));
        daemons.add(p);
        return p;
    }

    private static boolean hasVip(int node) {
        return lan.host(node).exec("ip", "-4", "addr", "show", "dev", Lan.IFNAME).contains(VIP + "/");
    }

    @Test
    void pairElectsAndFailsOverOverUdpWithProtocol112Dropped() {
        FloatdProcess node0 = start(0, 150);
        node0.awaitState("MASTER", START);
        FloatdProcess node1 = start(1, 100);
        node1.awaitState("BACKUP", START);
        FloatdProcess.sleep(1500);
        assertEquals("MASTER", node0.lastState(), node0.notifications().toString());
        assertEquals("BACKUP", node1.lastState(), node1.notifications().toString());
        assertTrue(hasVip(0));
        assertFalse(hasVip(1));

        node0.kill9();
        node1.awaitState("MASTER", STEP);
        assertTrue(hasVip(1));
        for (FloatdProcess p : List.of(node0, node1)) {
            assertTrue(p.log().contains("udp port 5112, HMAC-SHA256"), p.log());
            assertFalse(p.log().contains(KEY), "the key is in the log");
            assertFalse(p.log().contains("auth_hmac_failed"), p.log());
        }
    }
}
