package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.script.RunAs;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A configuration asks the host only through {@link HostLookups}, in {@link HostValidation} (issue 18): given another
 * host, the same file validates to what that host makes of it. The host here is a table, so each rule is proven without the machine's own users.
 */
class HostLookupsTest {

    /** A host with these users (name to uid), running floatd as {@code uid}, where every script is runnable. */
    private record TableHost(Map<String, Integer> users, int uid, HostLookups.ScriptFile scripts) implements HostLookups {
        @Override
        public RunAs user(String user, String group) {
            Integer id = users.get(user);
            if (id == null) {
                throw new IllegalArgumentException("user '" + user + "' does not exist");
            }
            return new RunAs(user, group, id, id);
        }

        @Override
        public boolean accountExists(String name) {
            return users.containsKey(name);
        }

        @Override
        public int currentUid() {
            return uid;
        }

        @Override
        public ScriptFile scriptFile(Path command) {
            return scripts;
        }

        @Override
        public Optional<ScriptSecurity.Finding> scriptSecurity(String script, String path) {
            return Optional.empty();
        }
    }

    private static final String CONF = """
            global_defs {
            %s
            }
            vrrp_script chk {
                script "/opt/checks/chk.sh"
                interval 1
            }
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                unicast_peer {
                    10.0.0.2
                }
                track_script {
                    chk
                }
            }
            """;

    private static FloatdConfig parse(String globals, HostLookups host) throws ConfigException {
        return HostValidation.validate(ConfigParser.read(CONF.formatted(globals), "k.conf", new ParseOptions("lb1")), host);
    }

    @Test
    void scriptUserIsLookedUpOnTheGivenHost() throws ConfigException {
        HostLookups withAlice = new TableHost(Map.of("alice", 1001), 0, HostLookups.ScriptFile.RUNNABLE);
        assertEquals("alice", parse("    script_user alice", withAlice).global().scriptUser());
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse("    script_user alice", new TableHost(Map.of(), 0, HostLookups.ScriptFile.RUNNABLE)));
        assertTrue(e.getMessage().contains("k.conf:2: global_defs: script_user: user 'alice' does not exist"), e.getMessage());
    }

    @Test
    void theDefaultScriptUserIsKeepalivedScriptWhereTheHostHasThatAccount() throws ConfigException {
        HostLookups with = new TableHost(Map.of("keepalived_script", 998), 0, HostLookups.ScriptFile.RUNNABLE);
        assertEquals("keepalived_script", parse("", with).global().scriptUser());
        HostLookups without = new TableHost(Map.of(), 0, HostLookups.ScriptFile.RUNNABLE);
        assertEquals(null, parse("", without).global().scriptUser());
    }

    @Test
    void aVrrpScriptsCommandIsCheckedOnTheGivenHost() {
        ConfigException missing = assertThrows(ConfigException.class,
                () -> parse("    script_user root", new TableHost(Map.of("root", 0), 0, HostLookups.ScriptFile.MISSING)));
        assertTrue(missing.getMessage().contains("k.conf:5: vrrp_script chk: script /opt/checks/chk.sh does not exist"),
                missing.getMessage());
        ConfigException notRunnable = assertThrows(ConfigException.class, () -> parse("    script_user root",
                new TableHost(Map.of("root", 0), 0, HostLookups.ScriptFile.NOT_EXECUTABLE)));
        assertTrue(notRunnable.getMessage().contains("script /opt/checks/chk.sh is not executable"), notRunnable.getMessage());
    }
}
