package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The builders and records refuse bad values on their own, without the parser. */
class ValueObjectsTest {

    private static final InetAddress PEER = InetAddress.ofLiteral("10.0.0.2");

    private static InstanceConfigBuilder minimal() {
        return InstanceConfig.builder("VI_1").interfaceName("eth0").virtualRouterId(1).addUnicastPeer(UnicastPeer.of(PEER));
    }

    private static void rejects(String message, Runnable action) {
        assertEquals(message, assertThrows(RuntimeException.class, action::run).getMessage());
    }

    @Test
    void builderRejectsOutOfRangeValues() {
        rejects("priority must be between 1 and 255, but was 0", () -> minimal().priority(0));
        rejects("virtual_router_id must be between 1 and 255, but was 256", () -> minimal().virtualRouterId(256));
        rejects("version must be 2 or 3, but was 4", () -> minimal().version(4));
        rejects("preempt_delay must be between 0 and 1000 seconds, but was 1000.5",
                () -> minimal().preemptDelay(Duration.ofMillis(1_000_500)));
        rejects("vrrp_version must be 2 or 3, but was 1", () -> GlobalDefs.builder().vrrpVersion(1));
        rejects("min_ttl must be between 0 and 255, but was -1", () -> new UnicastPeer(PEER, -1, 255));
        rejects("auth_pass must be between 1 and 8 characters, but was 9", () -> Authentication.pass("123456789"));
        rejects("provider must be one of aws, digitalocean, linux-l2, but was 'x'",
                () -> new FloatingIpSettings(Map.of("provider", "x"), "f", 1));
        rejects("unicast_peer 10.0.0.2 is listed twice", () -> minimal().addUnicastPeer(UnicastPeer.of(PEER)));
    }

    @Test
    void buildReportsEveryProblemAtOnce() {
        rejects("vrrp_instance VI_1: interface is required; virtual_router_id is required; advert_int must be a whole number of seconds between 1 and 255"
                        + " with VRRP version 2, but was 0.5 (fractions need version 3)",
                () -> InstanceConfig.builder("VI_1").advertIntervalCentis(50).build());
        rejects("vrrp_instance VI_1: authentication is not allowed with VRRP version 3"
                        + " (RFC 5798 removed it; keepalived ignores it)",
                () -> minimal().version(3).authentication(Authentication.pass("x")).build());
    }

    @Test
    void buildsWithDefaults() {
        InstanceConfig config = minimal().build();
        assertEquals(100, config.priority());
        assertEquals(InitialState.BACKUP, config.initialState());
        assertEquals(List.of(), config.floatingIps());
        assertEquals(List.of(), config.virtualAddresses());
    }

    @Test
    void equalityIgnoresWhereTheBlockWasWritten() {
        assertEquals(minimal().source("a.conf", 1).build(), minimal().source("b.conf", 40).build());
        assertEquals(new FloatingIpSettings(Map.of("provider", "aws"), "a", 1), new FloatingIpSettings(Map.of("provider", "aws"), "b", 9));
    }

    @Test
    void secretsCompareByValueButNeverPrint() {
        assertEquals(Secret.of("a"), Secret.of("a"));
        assertNotEquals(Secret.of("a"), Secret.of("b"));
        assertEquals("****", Secret.of("a").toString());
        assertEquals("Authentication[type=PASS, password=****]", Authentication.pass("hunter2").toString());
    }

    @Test
    void configErrorReadsLikeACompilerMessage() {
        ConfigError error = new ConfigError("k.conf", 3, "boom");
        assertEquals("k.conf:3: boom", error.toString());
        assertEquals("k.conf:3: boom\nk.conf:4: bang",
                new ConfigException(List.of(error, new ConfigError("k.conf", 4, "bang"))).getMessage());
    }

    @Test
    void ipv6IsShownCompressed() {
        assertEquals("2001:db8::1", Addresses.format(InetAddress.ofLiteral("2001:db8:0:0:0:0:0:1")));
        assertEquals("::", Addresses.format(InetAddress.ofLiteral("::")));
        assertEquals("fe80::1:0:0:1", Addresses.format(InetAddress.ofLiteral("fe80:0:0:0:1:0:0:1")));
        assertEquals("2001:0:0:1::", Addresses.format(InetAddress.ofLiteral("2001:0:0:1:0:0:0:0")));
        assertEquals("1:2:3:4:5:6:7:8", Addresses.format(InetAddress.ofLiteral("1:2:3:4:5:6:7:8")));
    }
}
