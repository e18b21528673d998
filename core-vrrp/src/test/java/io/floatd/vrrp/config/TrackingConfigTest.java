package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackingConfigTest {
    @TempDir
    Path dir;

    private static String instance(String... extra) {
        return "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 150\n"
                + "    unicast_peer {\n        10.0.0.2\n    }\n"
                + String.join("\n", extra) + (extra.length > 0 ? "\n" : "") + vip(extra) + "}\n";
    }

    /** keepalived warns about an instance without a virtual address ("at least one is sensible"): one, last. */
    private static String vip(String... extra) {
        return String.join("\n", extra).contains("virtual_ipaddress {") ? "" : "    virtual_ipaddress { 10.0.0.100 }\n";
    }

    private static List<String> errors(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(text, "k.conf"));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void oneLineScriptBlockLoadsAsKeepalivedReadsIt() throws Exception {
        // keepalived 2.2.7 runs the quoted command and ignores what follows it on the line (its dump shows
        // interval 1, fall 1, rise 1); floatd does the same and says so
        FloatdConfig c = ConfigParser.parse("""
                vrrp_script chk_haproxy { script "/usr/bin/killall -0 haproxy" interval 2 fall 2 rise 2 }
                """ + instance("track_script { chk_haproxy }"), "k.conf");
        VrrpScriptConfig s = c.instances().getFirst().trackScripts().getFirst().script();
        assertEquals("/usr/bin/killall -0 haproxy", s.script());
        assertEquals(Duration.ofSeconds(1), s.interval());
        assertEquals(1, s.fall());
        assertTrue(c.warnings().stream().anyMatch(w -> w.toString().startsWith("k.conf:1: vrrp_script chk_haproxy: 'interval 2 fall 2 rise 2' after the script /usr/bin/killall -0 haproxy is ignored")),
                c.warnings().toString());
    }

    @Test
    void userStyleBlocksLoadWithEveryOption() throws Exception {
        FloatdConfig c = ConfigParser.parse("""
                vrrp_script chk_haproxy {
                    script "/usr/bin/killall -0 haproxy"
                    interval 2
                    fall 2
                    rise 3
                    weight -60
                }
                vrrp_script chk_fast {
                    script "/bin/true"
                    interval 0.2
                    timeout 0.5
                    weight 10 reverse
                    init_fail
                    user nobody
                }
                track_file tf {
                    file "/run/floatd-test-prio"
                    weight -2 reverse
                    init_file 5 overwrite
                }
                vrrp_track_file old {
                    file /run/floatd-old
                }
                """ + instance(
                        "    track_script {",
                        "        chk_haproxy",
                        "        chk_fast weight 20",
                        "    }",
                        "    track_interface {",
                        "        eth1",
                        "        eth2 weight -30 reverse",
                        "    }",
                        "    track_file {",
                        "        tf",
                        "        old weight 0",
                        "    }"), "k.conf");
        InstanceConfig i = c.instances().getFirst();
        TrackedScript haproxy = i.trackScripts().get(0);
        assertEquals(Duration.ofSeconds(2), haproxy.script().interval());
        assertEquals(Duration.ofSeconds(2), haproxy.script().timeout(), "timeout defaults to the interval");
        assertEquals(2, haproxy.script().fall());
        assertEquals(3, haproxy.script().rise());
        assertEquals(-60, haproxy.weight(), "the script's weight when the entry gives none");
        TrackedScript fast = i.trackScripts().get(1);
        assertEquals(Duration.ofMillis(200), fast.script().interval());
        assertEquals(Duration.ofMillis(500), fast.script().timeout());
        assertEquals(20, fast.weight());
        assertTrue(fast.reverse(), "reverse comes from the script when the entry does not say");
        assertTrue(fast.script().initFail());
        assertEquals("nobody", fast.script().user());
        assertEquals(List.of(new TrackedInterface("eth1", 0, false), new TrackedInterface("eth2", -30, true)), i.trackInterfaces());
        assertEquals(-2, i.trackFiles().get(0).weight());
        assertTrue(i.trackFiles().get(0).reverse());
        assertEquals(5L, i.trackFiles().get(0).file().initValue());
        assertTrue(i.trackFiles().get(0).file().overwrite());
        assertEquals(0, i.trackFiles().get(1).weight());
        assertEquals(1, i.trackFiles().get(1).file().weight(), "track_file weight defaults to 1");
        assertNull(i.trackFiles().get(1).file().initValue());

        // the dump parses back to the same configuration
        FloatdConfig again = ConfigParser.parse(c.dump(), "dump");
        assertEquals(c.instances(), again.instances(), c.dump());
    }

    @Test
    void errorsNameTheLine() throws IOException {
        Path notExecutable = Files.writeString(dir.resolve("chk.sh"), "#!/bin/sh\n");
        String missing = dir.resolve("missing.sh").toString();
        String text = """
                vrrp_script a {
                    script /bin/true
                    interval 0
                    fall 0
                    weight 300
                }
                vrrp_script b {
                    script "MISSING arg"
                }
                vrrp_script c {
                    script NOTEXEC
                }
                vrrp_script d {
                    interval 1
                }
                vrrp_script e {
                    script /bin/true
                    rise -1
                    timeout 5000
                }
                vrrp_script a {
                    script /bin/true
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                    track_script {
                        chk_haprox
                        e weight -254
                        e weight 5 backwards
                    }
                    track_interface {
                        eth1 weight 254
                    }
                    track_file {
                        nofile
                    }
                }
                """.replace("MISSING", missing).replace("NOTEXEC", notExecutable.toString());
        assertEquals(List.of(
                        "k.conf:3: vrrp_script a: interval must be between 0.01 and 4294 seconds, but was 0",
                        "k.conf:4: vrrp_script a: fall must be between 1 and 1000000, but was 0",
                        "k.conf:5: vrrp_script a: weight must be between -253 and 253, but was 300",
                        "k.conf:8: vrrp_script b: script " + missing + " does not exist",
                        "k.conf:11: vrrp_script c: script " + notExecutable + " is not executable",
                        "k.conf:13: vrrp_script d: 'script' is required",
                        "k.conf:18: vrrp_script e: rise must be between 1 and 1000000, but was -1",
                        "k.conf:19: vrrp_script e: timeout must be between 0.01 and 4294 seconds, but was 5000",
                        "k.conf:21: vrrp_script a is already defined at k.conf:1",
                        // line 31, a track_script naming no vrrp_script, is a warning (keepalived ignores it)
                        "k.conf:32: vrrp_instance VI_1: track_script e weight must be between -253 and 253, but was -254",
                        "k.conf:33: vrrp_instance VI_1: unknown weight option 'backwards' (expected reverse or noreverse)",
                        // line 39, a track_file naming no track_file block, is a warning too
                        "k.conf:36: vrrp_instance VI_1: track_interface eth1 weight must be between -253 and 253, but was 254"),
                errors(text));
    }

    @Test
    void anAddressOwnerIgnoresWeightsWithAWarning() throws Exception {
        FloatdConfig c = ConfigParser.parse("vrrp_script s {\n script /bin/true\n weight -10\n}\n"
                + instance("track_script {\n s\n }").replace("priority 150", "priority 255"), "k.conf");
        assertTrue(c.warnings().stream().anyMatch(w -> w.toString().contains("ignored for an address owner")), c.warnings().toString());
    }

    @Test
    void unusedScriptIsAWarning() throws Exception {
        FloatdConfig c = ConfigParser.parse("vrrp_script s {\n script /bin/true\n}\n" + instance(), "k.conf");
        assertEquals(List.of("k.conf:1: vrrp_script s is not tracked by any vrrp_instance, so it will not run"),
                c.warnings().stream().map(ConfigError::toString).toList());
        assertFalse(c.instances().getFirst().isTracking());
    }
}
