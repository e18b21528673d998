package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.script.ScriptEnv;
import io.floatd.vrrp.script.ScriptEnv.Entry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code script_env NAME=VALUE} / {@code script_env NAME}: in global_defs for every script, in a vrrp_instance for
 * its notify scripts, in a vrrp_script for its check; a block's entries win over global_defs'.
 */
class ScriptEnvConfigTest {
    private static final String UNSET = "FLOATD_TEST_SURELY_UNSET_VARIABLE";

    private static final String CONFIG = """
            global_defs {
                script_user root
                script_env SITE=eu-1 "GREETING=hello world"
                script_env PATH
            }
            vrrp_script chk {
                script /bin/true
                script_env SITE=eu-2 PORT=8080
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
                unicast_peer {
                    10.0.0.2
                }
                notify /bin/true
                script_env AWS_SECRET_ACCESS_KEY=abc/def
                track_script {
                    chk
                }
            }
            vrrp_instance VI_2 {
                interface eth0
                virtual_router_id 52
                unicast_peer {
                    10.0.0.2
                }
            }
            """;

    private static List<String> errors(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(text, "k.conf"));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    private static List<String> warnings(FloatdConfig c) {
        return c.warnings().stream().map(ConfigError::toString).toList();
    }

    private static String instance(String... extra) {
        return "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n"
                + "    unicast_peer {\n        10.0.0.2\n    }\n"
                + String.join("\n", extra) + (extra.length > 0 ? "\n" : "") + "}\n";
    }

    @Test
    void eachBlockGetsItsOwnOverGlobalDefs() throws Exception {
        FloatdConfig c = ConfigParser.parse(CONFIG, "k.conf");
        List<Entry> global = List.of(new Entry("SITE", "eu-1"), new Entry("GREETING", "hello world"), new Entry("PATH", null));
        assertEquals(global, c.global().scriptEnv().entries());
        InstanceConfig vi1 = c.instance("VI_1").orElseThrow();
        assertEquals(ScriptEnv.of(List.of(new Entry("SITE", "eu-1"), new Entry("GREETING", "hello world"),
                new Entry("PATH", null), new Entry("AWS_SECRET_ACCESS_KEY", "abc/def"))), vi1.scriptEnv());
        assertEquals(c.global().scriptEnv(), c.instance("VI_2").orElseThrow().scriptEnv(), "global_defs' alone");
        VrrpScriptConfig chk = vi1.trackScripts().getFirst().script();
        assertEquals(ScriptEnv.of(List.of(new Entry("SITE", "eu-2"), new Entry("GREETING", "hello world"),
                new Entry("PATH", null), new Entry("PORT", "8080"))), chk.env());
    }

    @Test
    void theDumpParsesBackAndMasksSecretLookingValues() throws Exception {
        FloatdConfig c = ConfigParser.parse(CONFIG, "k.conf");
        String masked = c.dump();
        assertTrue(masked.contains("    script_env \"GREETING=hello world\"\n"), masked);
        assertTrue(masked.contains("    script_env PATH\n"), masked);
        assertTrue(masked.contains("    script_env AWS_SECRET_ACCESS_KEY=****\n"), masked);
        assertFalse(masked.contains("abc/def"), masked);
        // a block dumps only what it adds to global_defs'
        assertFalse(masked.substring(masked.indexOf("vrrp_instance VI_2")).contains("script_env"), masked);
        FloatdConfig again = ConfigParser.parse(c.dump(false), "dump.conf");
        assertEquals(c.global(), again.global());
        assertEquals(c.instances(), again.instances());
    }

    @Test
    void aChangedScriptEnvIsAChangedInstanceAndCheck() throws Exception {
        FloatdConfig a = ConfigParser.parse(CONFIG, "k.conf");
        FloatdConfig b = ConfigParser.parse(CONFIG.replace("PORT=8080", "PORT=8081").replace("abc/def", "abc/xyz"), "k.conf");
        assertNotEquals(a.instance("VI_1"), b.instance("VI_1"), "a reload restarts the instance and its check");
        assertNotEquals(a.instance("VI_1").orElseThrow().trackScripts(), b.instance("VI_1").orElseThrow().trackScripts());
        assertEquals(a.instance("VI_2"), b.instance("VI_2"));
    }

    @Test
    void badEntriesAreErrorsAtTheirLineAndNeverShowAValue() {
        assertEquals(List.of(
                "k.conf:2: global_defs: script_env takes NAME=VALUE, or NAME to pass floatd's own value on, but got nothing",
                "k.conf:3: global_defs: script_env: '1ST' is not a variable name (letters, digits and _, not starting with a digit)",
                "k.conf:3: global_defs: script_env: 'MY-TOKEN' is not a variable name (letters, digits and _, not starting with a digit)",
                "k.conf:11: vrrp_instance VI_1: 'script_env' does not take a block"),
                errors("""
                        global_defs {
                            script_env
                            script_env 1ST=x OK=1 MY-TOKEN=s3cr3t
                        }
                        """ + instance(
                        "    script_env X {",
                        "    }")));
        String all = String.join("\n", errors(instance("    script_env \"BAD NAME=s3cr3t\"")));
        assertFalse(all.contains("s3cr3t"), all);
    }

    @Test
    void aNameGivenAgainOrMissingFromFloatdsEnvironmentIsWarnedAbout() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("    script_env A=1", "    script_env A=2 " + UNSET), "k.conf");
        assertEquals(List.of(
                "k.conf:8: vrrp_instance VI_1: script_env A is given again; this one wins over line 7",
                "k.conf:8: vrrp_instance VI_1: script_env " + UNSET + ": floatd's environment has no " + UNSET
                        + ", so scripts will not get it either"),
                warnings(c).stream().filter(w -> w.contains("script_env")).toList());
        assertEquals(List.of(new Entry("A", "2"), new Entry(UNSET, null)), c.instance("VI_1").orElseThrow().scriptEnv().entries());
    }
}
