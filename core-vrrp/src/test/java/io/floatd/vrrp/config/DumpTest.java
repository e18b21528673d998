package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DumpTest {

    private static final String CONFIG = """
            global_defs {
                router_id lb1
            }
            vrrp_instance VI_1 {
                state MASTER
                interface eth0
                virtual_router_id 51
                priority 150
                unicast_src_ip 10.0.0.11
                unicast_peer {
                    10.0.0.12
                    10.0.1.12 min_ttl 63
                }
                authentication {
                    auth_type PASS
                    auth_pass "s3 #cr\\t"
                }
                virtual_ipaddress {
                    10.0.0.100/24 dev eth0
                }
                notify_master "/etc/keepalived/notify.sh MASTER"
                notify /usr/bin/true
                floating_ip {
                    provider digitalocean
                    token dop_v1_abcdef
                    floating_ip 203.0.113.7
                }
            }
            vrrp_instance V6 {
                interface eth1
                virtual_router_id 51
                nopreempt
                preempt_delay 0.25
                advert_int 0.05
                unicast_peer {
                    2001:db8::2
                }
                virtual_ipaddress {
                    2001:db8::100/64
                }
            }
            """;

    @Test
    void spellsOutEveryDefaultAndMasksSecrets() throws Exception {
        String dump = ConfigParser.parse(CONFIG, "k.conf").dump();
        assertEquals("""
                ! effective floatd configuration, secrets masked
                global_defs {
                    router_id lb1
                    vrrp_version 2
                    vrrp_garp_master_delay 5
                    vrrp_garp_master_repeat 5
                    vrrp_garp_master_refresh 0
                    vrrp_garp_master_refresh_repeat 1
                    vrrp_garp_interval 0
                }

                ! from k.conf:4
                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    version 2
                    advert_int 1
                    preempt
                    preempt_delay 0
                    unicast_src_ip 10.0.0.11
                    unicast_peer {
                        10.0.0.12 min_ttl 255 max_ttl 255
                        10.0.1.12 min_ttl 63 max_ttl 255
                    }
                    authentication {
                        auth_type PASS
                        auth_pass ****
                    }
                    virtual_ipaddress {
                        10.0.0.100/24 dev eth0
                    }
                    notify /usr/bin/true
                    notify_master "/etc/keepalived/notify.sh MASTER"
                    floating_ip {
                        provider digitalocean
                        token ****
                        floating_ip 203.0.113.7
                    }
                }

                ! from k.conf:29
                vrrp_instance V6 {
                    state BACKUP
                    interface eth1
                    virtual_router_id 51
                    priority 100
                    version 3
                    advert_int 0.05
                    nopreempt
                    preempt_delay 0.25
                    unicast_peer {
                        2001:db8::2 min_ttl 255 max_ttl 255
                    }
                    virtual_ipaddress {
                        2001:db8::100/64
                    }
                }
                """, dump);
        assertFalse(dump.contains("s3"));
        assertFalse(dump.contains("dop_v1"));
    }

    @Test
    void reparsesToAnEqualConfiguration() throws Exception {
        FloatdConfig config = ConfigParser.parse(CONFIG, "k.conf");
        FloatdConfig again = ConfigParser.parse(config.dump(false), "dump");
        assertEquals(config.global(), again.global());
        assertEquals(config.instances(), again.instances());
        // the default script user's notice depends on the host (root, keepalived_script), not on the dump
        assertEquals(List.of(), again.warnings().stream().filter(w -> !w.toString().contains("scripts run as root")).toList());
        assertEquals(withoutProvenance(config.dump()), withoutProvenance(again.dump()));
    }

    private static String withoutProvenance(String dump) {
        return dump.replaceAll("! from .*\n", "");
    }

    @Test
    void maskedDumpReparsesToTheSameConfigurationButForTheSecrets() throws Exception {
        FloatdConfig config = ConfigParser.parse(CONFIG, "k.conf");
        FloatdConfig masked = ConfigParser.parse(config.dump(), "dump");
        InstanceConfig original = config.instances().getFirst();
        InstanceConfig reparsed = masked.instances().getFirst();
        assertEquals("****", reparsed.authentication().password().reveal());
        assertEquals("****", reparsed.floatingIps().getFirst().values().get("token"));
        assertNotEquals(original, reparsed);
        InstanceConfig withSecrets = InstanceConfig.builder(reparsed.name())
                .initialState(reparsed.initialState())
                .interfaceName(reparsed.interfaceName())
                .virtualRouterId(reparsed.virtualRouterId())
                .priority(reparsed.priority())
                .version(reparsed.version())
                .advertIntervalCentis(reparsed.advertIntervalCentis())
                .preempt(reparsed.preempt())
                .preemptDelay(reparsed.preemptDelay())
                .unicastSrcIp(reparsed.unicastSrcIp())
                .unicastPeers(reparsed.unicastPeers())
                .authentication(original.authentication())
                .virtualAddresses(reparsed.virtualAddresses())
                .notifyScripts(reparsed.notifyScripts())
                .floatingIps(original.floatingIps())
                .build();
        assertEquals(original, withSecrets);
        assertEquals(config.instances().get(1), masked.instances().get(1));
    }

    @Test
    void toStringNeverShowsSecrets() throws Exception {
        FloatdConfig config = ConfigParser.parse(CONFIG, "k.conf");
        String text = config.toString();
        assertTrue(text.contains("password=****"), text);
        assertTrue(text.contains("token=****"), text);
        assertFalse(text.contains("s3"), text);
        assertFalse(text.contains("dop_v1"), text);
    }
}
