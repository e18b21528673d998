package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.takeover.TakeoverSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a vrrp_instance may have any number of {@code floating_ip} blocks, each moving its own address with its
 * own provider; each is read with its own file:line, and a block that repeats an earlier one (same address, same
 * provider) is refused at its own line.
 */
class SeveralFloatingIpBlocksTest {
    private static String instance(String blocks) {
        // line 1: vrrp_instance; the blocks start at line 9
        return """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    unicast_src_ip 10.0.0.11
                    unicast_peer {
                        10.0.0.12
                    }
                %s}
                """.formatted(blocks);
    }

    private static List<String> errors(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(text, "k.conf"));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void everyBlockIsKeptInFileOrderWithItsOwnFileAndLine() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("""
                    floating_ip {
                        provider aws
                        address 198.51.100.10
                    }
                    floating_ip {
                        provider aws
                        address 198.51.100.11
                        release yes
                    }
                    floating_ip {
                        provider linux-l2
                    }
                    virtual_ipaddress {
                        192.168.100.10/32
                    }
                """), "k.conf");
        List<FloatingIpSettings> blocks = c.instances().getFirst().floatingIps();
        assertEquals(3, blocks.size());
        assertEquals(List.of(9, 13, 18), blocks.stream().map(FloatingIpSettings::line).toList());
        assertEquals(List.of("k.conf", "k.conf", "k.conf"), blocks.stream().map(FloatingIpSettings::file).toList());
        assertEquals(Map.of("provider", "aws", "address", "198.51.100.11", "release", "yes"), blocks.get(1).values());
        assertEquals("linux-l2", blocks.get(2).provider().orElseThrow());
        assertTrue(c.warnings().stream().noneMatch(w -> w.toString().contains("given again")),
                () -> "a second block is not 'given again': " + c.warnings());
    }

    @Test
    void aBlockMovingTheSameAddressWithTheSameProviderIsRefusedAtItsOwnLine() {
        List<String> e = errors(instance("""
                    floating_ip {
                        provider aws
                        address 198.51.100.10
                    }
                    floating_ip {
                        provider aws
                        address 198.51.100.10
                    }
                """));
        assertEquals(1, e.size(), e::toString);
        assertTrue(e.getFirst().startsWith("k.conf:13:"), e::toString);
        assertTrue(e.getFirst().contains("address 198.51.100.10 with provider aws, as the floating_ip block at k.conf:9"),
                e::toString);
    }

    @Test
    void theSameAddressWithAnotherProviderIsAnotherBlock() throws Exception {
        // e.g. an AWS secondary private IP and the same address as a Linux VIP are two different moves
        FloatdConfig c = ConfigParser.parse(instance("""
                    floating_ip {
                        provider aws
                        mode secondary_ip
                        address 10.0.0.100
                    }
                    floating_ip {
                        provider digitalocean
                        address 10.0.0.100
                    }
                """), "k.conf");
        assertEquals(2, c.instances().getFirst().floatingIps().size());
    }

    @Test
    void twoLinuxL2BlocksRepeatEachOtherSinceBothMoveTheVirtualIpaddress() {
        List<String> e = errors(instance("""
                    floating_ip {
                        provider linux-l2
                    }
                    floating_ip {
                        release yes
                    }
                    virtual_ipaddress {
                        192.168.100.10/32
                    }
                """));
        assertEquals(1, e.size(), e::toString);
        assertTrue(e.getFirst().startsWith("k.conf:12:"), e::toString);
        assertTrue(e.getFirst().contains("the instance's virtual_ipaddress with provider linux-l2"), e::toString);
    }

    @Test
    void eachBlocksErrorsAreReportedAtTheirOwnLinesInOnePass() {
        List<String> e = errors(instance("""
                    floating_ip {
                        provider aws
                        provider digitalocean
                    }
                    floating_ip {
                        provider gcp
                    }
                """));
        assertEquals(2, e.size(), e::toString);
        assertTrue(e.get(0).startsWith("k.conf:11:") && e.get(0).contains("already set"), e::toString);
        assertTrue(e.get(1).startsWith("k.conf:14:") && e.get(1).contains("'gcp'"), e::toString);
    }

    @Test
    void theDumpReadsBackEveryBlock() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("""
                    floating_ip {
                        provider aws
                        address 198.51.100.10
                    }
                    floating_ip {
                        provider aws
                        address 198.51.100.11
                    }
                """), "k.conf");
        FloatdConfig again = ConfigParser.parse(c.dump(false), "k.conf");
        assertEquals(c.instances().getFirst().floatingIps(), again.instances().getFirst().floatingIps());
    }

    @Test
    void eachBlockHasItsOwnPolicyAndProviderSettings() throws Exception {
        String twoBlocks = instance("""
                    floating_ip {
                        provider aws
                        address 198.51.100.10
                        deadline 7
                    }
                    floating_ip {
                        provider aws
                        address 198.51.100.11
                        deadline %s
                    }
                """);
        InstanceConfig ic = ConfigParser.parse(twoBlocks.formatted("9"), "k.conf").instances().getFirst();
        List<FloatingIpSettings> blocks = TakeoverSettings.blocks(ic);
        assertEquals(7000, TakeoverSettings.policy(ic, blocks.get(0)).deadline().toMillis());
        assertEquals(9000, TakeoverSettings.policy(ic, blocks.get(1)).deadline().toMillis());
        assertEquals(Map.of("address", "198.51.100.11"), TakeoverSettings.providerSettings(blocks.get(1)));
        // a bad shared value is an error of its block, found by the parse itself (typed there once)
        ConfigException bad = assertThrows(ConfigException.class,
                () -> ConfigParser.parse(twoBlocks.formatted("nine"), "k.conf"));
        assertTrue(bad.getMessage().contains("k.conf:14: vrrp_instance VI_1: floating_ip: deadline"), bad::getMessage);
        assertEquals("VI_1 198.51.100.11", TakeoverSettings.label(ic, blocks.get(1)), "log lines tell the blocks apart");
        assertThrows(IllegalStateException.class, () -> TakeoverSettings.policy(ic),
                "the one-block shortcut refuses to pick one of several");
    }

    @Test
    void providerOverrideMovesEveryBlockAndRefusesBlocksItMakesTheSame() throws Exception {
        InstanceConfig ic = ConfigParser.parse(instance("""
                    floating_ip {
                        provider aws
                        address 198.51.100.10
                    }
                    floating_ip {
                        provider aws
                        address 198.51.100.11
                    }
                    virtual_ipaddress {
                        192.168.100.10/32
                    }
                """), "k.conf").instances().getFirst();
        List<FloatingIpSettings> blocks = TakeoverSettings.blocks(ic);
        assertEquals(List.of("digitalocean", "digitalocean"),
                blocks.stream().map(b -> TakeoverSettings.providerName(b, "digitalocean")).toList());
        assertEquals(List.of(), FloatingIpBlocks.duplicatesUnder(ic, "digitalocean"), "two addresses: two moves");
        List<String> l2 = FloatingIpBlocks.duplicatesUnder(ic, "linux-l2");
        assertEquals(1, l2.size(), l2::toString);
        assertTrue(l2.getFirst().startsWith("k.conf:13: vrrp_instance VI_1: floating_ip moves the instance's"
                + " virtual_ipaddress with provider linux-l2 (--provider linux-l2)"), l2::toString);
    }
}
