package io.floatd.vrrp.config;

import io.floatd.vrrp.codec.AuthType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.KeepalivedCheck;
import io.floatd.testing.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * keepalived 2.2.7's {@code keepalived -t} verdict on each {@code auth_type AH} configuration, taken live in a
 * namespace with the interface it names, next to floatd's. keepalived exits 0 for a clean file and 5 when it reported
 * a configuration problem it worked around ("Ignoring", "clearing", "Truncating"). floatd: clean where keepalived
 * is clean; where keepalived works around something that does not change who holds the IP (a long password, an
 * initial MASTER that starts as BACKUP, any authentication in VRRPv3, which has none) floatd does the same with a
 * warning at the line; where keepalived would drop the authentication of a VRRPv2 instance (no password, an unknown
 * type) floatd refuses the file at the line, since running
 * without the authentication the user asked for would accept adverts keepalived's peer relies on being refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthTypeAhVerdictsTest {
    @RegisterExtension
    static final KeepalivedCheck check = KeepalivedCheck.perClass("av", "10.197.0.1/24");
    private static Path dir;

    enum Outcome { CLEAN, WARNING, ERROR }

    enum Case {
        AH_V2_UNICAST("", "auth_type AH", "auth_pass s3cret", 0, Outcome.CLEAN, 0),
        LONG_PASSWORD("", "auth_type AH", "auth_pass 166ee42274df2b6b", 5, Outcome.WARNING, 10),
        INITIAL_MASTER("state MASTER\n    priority 150", "auth_type AH", "auth_pass s3cret", 5, Outcome.WARNING, 11),
        // keepalived makes 'state MASTER' without a priority line the address owner (255): no clearing
        INITIAL_MASTER_NO_PRIORITY("state MASTER", "auth_type AH", "auth_pass s3cret", 0, Outcome.CLEAN, 0),
        OWNER_MASTER("state MASTER\n    priority 255", "auth_type AH", "auth_pass s3cret", 0, Outcome.CLEAN, 0),
        // keepalived ignores any authentication in VRRPv3 (its peers' adverts carry none either): so does floatd
        VERSION_3("version 3", "auth_type AH", "auth_pass s3cret", 5, Outcome.WARNING, 9),
        // keepalived reports both and runs the instance without authentication ("Authentication specified but no
        // password given. Ignoring", "unknown authentication type"): floatd warns and does the same
        NO_PASSWORD("", "auth_type AH", "", 5, Outcome.WARNING, 8),
        LOWER_CASE("", "auth_type ah", "auth_pass s3cret", 5, Outcome.WARNING, 9);

        final String extra;
        final String type;
        final String pass;
        final int keepalivedExit;
        final Outcome floatd;
        final int line;

        Case(String extra, String type, String pass, int keepalivedExit, Outcome floatd, int line) {
            this.extra = extra;
            this.type = type;
            this.pass = pass;
            this.keepalivedExit = keepalivedExit;
            this.floatd = floatd;
            this.line = line;
        }

        /** Line 1 vrrp_instance, 2 interface, 3 virtual_router_id, 4..6 unicast_peer, 7 unicast_src_ip, 8.. extra, then auth. */
        String text() {
            return "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    unicast_peer {\n"
                    + "        10.197.0.2\n    }\n    unicast_src_ip 10.197.0.1\n"
                    + (extra.isEmpty() ? "" : "    " + extra + "\n")
                    + "    authentication {\n        " + type + "\n" + (pass.isEmpty() ? "" : "        " + pass + "\n")
                    + "    }\n    virtual_ipaddress {\n        10.197.0.100/24\n    }\n}\n";
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("ah-verdicts");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void floatdFollowsKeepalivedsVerdict(Case c) throws Exception {
        Path file = dir.resolve(c.name().toLowerCase() + ".conf");
        Netns.Result k = check.check(file, c.text());
        assertEquals(c.keepalivedExit, k.exitCode(), "keepalived -t on\n" + c.text() + "said: " + k.output());
        Optional<KeepalivedCheck.Message> named = KeepalivedCheck.messages(k.output()).stream()
                .filter(KeepalivedCheck.Message::hasLine).findFirst();
        if (named.isPresent()) {
            assertEquals(c.line, named.get().line(), "keepalived names the line: " + k.output());
        }

        List<ConfigError> errors = new ArrayList<>();
        List<ConfigError> warnings = new ArrayList<>();
        try {
            warnings.addAll(ConfigParser.parse(c.text(), "k.conf").warnings());
        } catch (ConfigException e) {
            errors.addAll(e.errors());
        }
        switch (c.floatd) {
            case CLEAN -> {
                assertEquals(List.of(), errors);
                assertEquals(List.of(), warnings);
            }
            case WARNING -> {
                assertEquals(List.of(), errors);
                assertEquals(1, warnings.size(), warnings.toString());
                assertEquals(c.line, warnings.getFirst().line(), warnings.toString());
            }
            case ERROR -> {
                assertEquals(1, errors.size(), errors.toString());
                assertEquals(c.line, errors.getFirst().line(), errors.toString());
            }
        }
        assertTrue(c.keepalivedExit == 0 == (c.floatd == Outcome.CLEAN), "clean exactly where keepalived is clean");
    }
}
