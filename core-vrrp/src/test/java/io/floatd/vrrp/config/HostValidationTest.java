package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.script.RunAs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The parse asks the host nothing; {@link HostValidation}, the step after it, asks everything and applies what
 * keepalived makes of the answers (issue 18). The host here is a table that writes down each question.
 */
class HostValidationTest {

    /** A host with these users (name to uid), floatd running as root, every script runnable and safe. */
    private static final class AskedHost implements HostLookups {
        final Map<String, Integer> users;
        final List<String> asked = new ArrayList<>();

        AskedHost(Map<String, Integer> users) {
            this.users = users;
        }

        @Override
        public RunAs user(String user, String group) {
            asked.add("user " + user);
            Integer id = users.get(user);
            if (id == null) {
                throw new IllegalArgumentException("user '" + user + "' does not exist");
            }
            return new RunAs(user, group, id, id);
        }

        @Override
        public boolean accountExists(String name) {
            asked.add("account " + name);
            return users.containsKey(name);
        }

        @Override
        public int currentUid() {
            asked.add("uid");
            return 0;
        }

        @Override
        public ScriptFile scriptFile(Path command) {
            asked.add("file " + command);
            return ScriptFile.RUNNABLE;
        }

        @Override
        public Optional<ScriptSecurity.Finding> scriptSecurity(String script, String path) {
            asked.add("security " + script);
            return Optional.empty();
        }
    }

    /** A host that must not be asked anything. */
    private static final HostLookups NEVER_ASKED = new HostLookups() {
        @Override
        public RunAs user(String user, String group) {
            throw new AssertionError("asked for user " + user);
        }

        @Override
        public boolean accountExists(String name) {
            throw new AssertionError("asked for account " + name);
        }

        @Override
        public int currentUid() {
            throw new AssertionError("asked for the uid");
        }

        @Override
        public ScriptFile scriptFile(Path command) {
            throw new AssertionError("asked for " + command);
        }

        @Override
        public Optional<ScriptSecurity.Finding> scriptSecurity(String script, String path) {
            throw new AssertionError("asked about " + script);
        }
    };

    private static final String INSTANCE = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 1
                unicast_peer {
                    10.0.0.2
                }
            %s}
            """;

    private static ParsedConfig read(String text) throws ConfigException {
        return ConfigParser.read(text, "k.conf", new ParseOptions("lb1"));
    }

    @Test
    void theParseRecordsUsersAndScriptFilesWithoutAskingTheHost() throws ConfigException {
        String conf = """
                global_defs {
                    script_user nobody_here_at_all
                    notify_fifo_script /opt/fifo.sh ghost
                }
                vrrp_script chk {
                    script /no/such/check.sh
                    user ghost
                }
                """ + INSTANCE.formatted("    track_script {\n        chk\n    }\n    notify_master /opt/up.sh ghost\n");
        ParsedConfig parsed = read(conf); // no error: nothing on the host is known yet
        AskedHost host = new AskedHost(Map.of("nobody_here_at_all", 4242, "ghost", 4343));
        FloatdConfig config = HostValidation.validate(parsed, host);
        assertEquals("nobody_here_at_all", config.global().scriptUser());
        assertEquals(List.of("user nobody_here_at_all", "user ghost", "file /no/such/check.sh", "user ghost", "user ghost"),
                host.asked.subList(0, 5), "the questions in the order of their lines");
    }

    @Test
    void aFileThatNamesNothingOnTheHostAsksItNothing() throws ConfigException {
        FloatdConfig config = HostValidation.validate(read(INSTANCE.formatted("")), NEVER_ASKED);
        assertEquals(1, config.instances().size());
    }

    @Test
    void aParsedConfigurationIsValidatedOnce() throws ConfigException {
        ParsedConfig parsed = read(INSTANCE.formatted(""));
        HostValidation.validate(parsed, new AskedHost(Map.of()));
        assertThrows(IllegalStateException.class, () -> HostValidation.validate(parsed, new AskedHost(Map.of())));
    }

    @Test
    void theHostsErrorsAndTheParsesComeInOneListInLineOrder() throws ConfigException {
        String conf = """
                global_defs {
                    script_user ghost
                }
                """ + INSTANCE.formatted("    virtual_router_id 300\n");
        ParsedConfig parsed = read(conf);
        ConfigException e = assertThrows(ConfigException.class, () -> HostValidation.validate(parsed, new AskedHost(Map.of())));
        assertEquals(2, e.errors().size(), e.getMessage());
        assertEquals("global_defs: script_user: user 'ghost' does not exist", e.errors().get(0).message());
        assertEquals(2, e.errors().get(0).line());
        assertEquals(10, e.errors().get(1).line());
    }

    @Test
    void aFifoScriptWithAnUnknownUserIsDroppedAndTheEarlierLineStays() throws ConfigException {
        String conf = """
                global_defs {
                    notify_fifo /run/floatd.fifo
                    notify_fifo_script /opt/fifo-a.sh
                    notify_fifo_script /opt/fifo-b.sh ghost
                }
                """ + INSTANCE.formatted("");
        FloatdConfig config = HostValidation.validate(read(conf), new AskedHost(Map.of("root", 0)));
        assertEquals("/opt/fifo-a.sh", config.global().notifyFifoScripts().get(Path.of("/run/floatd.fifo")));
        assertTrue(config.warnings().stream().anyMatch(w -> w.line() == 4 && w.message().contains("is ignored: its user 'ghost'")),
                config.warnings().toString());
    }

    @Test
    void anInstancesNotifyScriptWithAnUnknownUserIsUnset() throws ConfigException {
        FloatdConfig config = HostValidation.validate(read(INSTANCE.formatted("    notify_master /opt/up.sh ghost\n")),
                new AskedHost(Map.of("root", 0)));
        assertNull(config.instances().getFirst().notifyScripts().master());
        assertTrue(config.warnings().stream().anyMatch(w -> w.line() == 7 && w.message().contains("notify_master '/opt/up.sh' is ignored")),
                config.warnings().toString());
    }

    @Test
    void aSyncGroupsSecondNotifyScriptIsAcceptedWhenTheFirstNamedAnUnknownUser() throws ConfigException {
        String conf = INSTANCE.formatted("") + """
                vrrp_sync_group G {
                    group {
                        VI_1
                    }
                    notify_master /opt/a.sh ghost
                    notify_master /opt/b.sh
                }
                """;
        FloatdConfig config = HostValidation.validate(read(conf), new AskedHost(Map.of("root", 0)));
        assertEquals("/opt/b.sh", config.syncGroups().getFirst().notifyScripts().master());
    }
}
