package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.KeepalivedCheck;
import io.floatd.testing.Netns;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claims behind the keywords of this change, asked of the real keepalived 2.2.7 ({@code keepalived -t} in a
 * namespace with the interface the file names) and of floatd's parser on the same text.
 * keepalived -t exits 0 for a clean file, 5 for a configuration error, 6 when the only finding is a script
 * security notice.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeepalivedVerdictsTest {
    @RegisterExtension
    static final KeepalivedCheck check = KeepalivedCheck.perClass("kv", "10.0.0.11/24");

    @TempDir
    Path dir;

    private Netns.Result keepalived(String text) throws Exception {
        return check.check(dir.resolve("keepalived.conf"), text, "-l");
    }

    private static final String INSTANCE = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                unicast_src_ip 10.0.0.11
                unicast_peer {
                    10.0.0.12
                }
                virtual_ipaddress {
                    10.0.0.100/24
                }
            %s}
            """;

    @Test
    void prefixedUnicastAddressesAreAcceptedByBoth() throws Exception {
        String text = INSTANCE.formatted("").replace("unicast_src_ip 10.0.0.11", "unicast_src_ip 10.0.0.11/24")
                .replace("        10.0.0.12\n", "        10.0.0.12/24\n");
        Netns.Result k = keepalived(text);
        assertEquals(0, k.exitCode(), k.output());
        FloatdConfig c = ConfigParser.parse(text, "k.conf");
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void authenticationInVersion3IsIgnoredByBothWithAMessage() throws Exception {
        String text = INSTANCE.formatted("    version 3\n    authentication {\n        auth_type PASS\n        auth_pass secret\n    }\n");
        Netns.Result k = keepalived(text);
        assertTrue(k.output().contains("(VI_1) VRRP version 3 does not support authentication. Ignoring."), k.output());
        FloatdConfig c = ConfigParser.parse(text, "k.conf");
        assertEquals(1, c.warnings().size(), c.warnings().toString());
        assertEquals(null, c.instances().getFirst().authentication());
    }

    @Test
    void defaultInterfaceDoesNotGiveAnInstanceItsInterfaceInEither() throws Exception {
        String text = "global_defs {\n    default_interface eth0\n}\n" + INSTANCE.formatted("").replace("    interface eth0\n", "");
        Netns.Result k = keepalived(text);
        assertTrue(k.output().contains("(VI_1) Unknown interface!"), k.output());
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ConfigParser.parse(text, "k.conf"));
        assertEquals(List.of("k.conf:4: vrrp_instance VI_1: interface is required"),
                e.errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    void theNewKeywordsAndTheHarmlessOnesLoadInBoth() throws Exception {
        String text = """
                global_defs {
                    enable_script_security
                    script_user root
                    notification_email {
                        ops@example.com
                    }
                    notification_email_from lb@example.com
                    smtp_server 127.0.0.1
                    smtp_connect_timeout 30
                    max_auto_priority
                    vrrp_gna_interval 0.5
                    dynamic_interfaces
                    vrrp_check_unicast_src
                    notify_fifo %s
                    notify_fifo_script /bin/cat
                    vrrp_notify_priority_changes
                }
                """.formatted(dir.resolve("n.fifo")) + INSTANCE.formatted("""
                    virtual_ipaddress_excluded {
                        10.0.0.101/24
                        fd00::101/64
                    }
                    debug 2
                    smtp_alert
                    notify_priority_changes no
                    accept
                    check_unicast_src
                """);
        Netns.Result k = keepalived(text);
        assertEquals(0, k.exitCode(), k.output());
        FloatdConfig c = ConfigParser.parse(text, "k.conf");
        // one warning each: notification_email(_from), smtp_server, smtp_connect_timeout, max_auto_priority,
        // vrrp_gna_interval, debug, smtp_alert
        assertEquals(8, c.warnings().size(), c.warnings().toString());
    }
}
