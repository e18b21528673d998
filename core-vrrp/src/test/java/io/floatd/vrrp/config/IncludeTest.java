package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncludeTest {
    @TempDir
    Path dir;

    private static final String INSTANCE = """
            vrrp_instance %s {
                interface eth0
                virtual_router_id %d
                unicast_peer {
                    10.0.0.2
                }
            }
            """;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private List<String> errors(Path main) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(main));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void globIncludesMatchingFilesInSortedOrderRelativeToTheIncludingFile() throws Exception {
        write("conf.d/20-b.conf", INSTANCE.formatted("VI_B", 52));
        write("conf.d/10-a.conf", INSTANCE.formatted("VI_A", 51));
        write("conf.d/.hidden.conf", "garbage\n");
        write("conf.d/notes.txt", "garbage\n");
        Path main = write("keepalived.conf", """
                global_defs {
                    router_id lb1
                }
                include conf.d/*.conf
                """);
        FloatdConfig config = ConfigParser.parse(main);
        assertEquals(List.of("VI_A", "VI_B"), config.instances().stream().map(InstanceConfig::name).toList());
        assertEquals(dir.resolve("conf.d/10-a.conf").toString(), config.instances().getFirst().file());
        assertEquals(1, config.instances().getFirst().line());
    }

    @Test
    void absolutePatternAndIncludeInsideBlocks() throws Exception {
        write("vips.conf", "10.0.0.100/24\n10.0.0.101/24\n");
        write("peers.conf", "10.0.0.2\n");
        write("garp.conf", "vrrp_garp_master_delay 0.5\n");
        Path main = write("k.conf", """
                global_defs {
                    include %s
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        include peers.conf
                    }
                    virtual_ipaddress {
                        include v*.conf
                    }
                }
                """.formatted(dir.resolve("garp.conf")));
        FloatdConfig config = ConfigParser.parse(main);
        assertEquals(2, config.instances().getFirst().virtualAddresses().size());
        assertEquals(java.time.Duration.ofMillis(500), config.global().garp().masterDelay());
    }

    @Test
    void nestedIncludesAreRelativeToEachIncludingFileAndErrorsNameTheIncludedFileAndLine() throws Exception {
        write("a/one.conf", "include b/two.conf\n");
        write("a/b/two.conf", """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priorty 100
                    unicast_peer {
                        10.0.0.2
                    }
                    virtual_ipaddress { 10.0.0.100 }
                }
                """);
        Path main = write("k.conf", "! main\ninclude a/one.conf\nbogus_top\n");
        // unknown keywords are warnings, as keepalived ignores them; their file:line is the included file's
        String ignored = ": ignored, as keepalived ignores it (it logs \"Unknown keyword\"); floatd check --strict refuses it";
        assertEquals(List.of(
                        main + ":3: unknown keyword 'bogus_top' in the top level" + ignored,
                        dir.resolve("a/b/two.conf") + ":4: vrrp_instance VI_1: unknown keyword 'priorty' in vrrp_instance (did you mean 'priority'?)" + ignored),
                ConfigParser.parse(main).warnings().stream().map(ConfigError::toString).toList());
    }

    @Test
    void syntaxErrorsInAnIncludedFileCarryItsName() throws Exception {
        write("bad.conf", "\n\nrouter_id \"unterminated\n");
        Path main = write("k.conf", "global_defs {\n    include bad.conf\n}\n" + INSTANCE.formatted("VI_1", 51));
        List<String> errors = errors(main);
        assertEquals(dir.resolve("bad.conf") + ":3: unterminated quoted string: missing closing '\"'", errors.getFirst());
    }

    @Test
    void missingFileAndEmptyGlobAreErrorsAtTheIncludeLine() throws Exception {
        Path main = write("k.conf", INSTANCE.formatted("VI_1", 51) + "include nowhere.conf\ninclude conf.d/*.conf\n");
        assertEquals(List.of(
                        main + ":8: include nowhere.conf: no such file (floatd refuses a missing include: it may hold a health check)",
                        main + ":9: include conf.d/*.conf matches no file (floatd refuses a missing include: it may hold a health check)"),
                errors(main));
    }

    @Test
    void includeLoopNamesTheChain() throws Exception {
        write("a.conf", "! a\ninclude b.conf\n");
        write("b.conf", "include a.conf\n");
        Path main = write("k.conf", INSTANCE.formatted("VI_1", 51) + "include a.conf\n");
        // the chain starts at the file included again: k.conf's include is not part of the loop
        assertEquals(List.of(dir.resolve("b.conf") + ":1: include loop: " + dir.resolve("a.conf") + ":2 includes " + dir.resolve("b.conf")
                        + ", " + dir.resolve("b.conf") + ":1 includes " + dir.resolve("a.conf") + " again"),
                errors(main));
    }

    @Test
    void includingTheMainFileIsALoop() throws Exception {
        Path main = write("k.conf", INSTANCE.formatted("VI_1", 51) + "include k.conf\n");
        assertEquals(List.of(main + ":8: include loop: " + main + ":8 includes " + main + " again"), errors(main));
    }

    @Test
    void nestingIsBounded() throws Exception {
        for (int n = 0; n < 12; n++) {
            write("n" + n + ".conf", "include n" + (n + 1) + ".conf\n");
        }
        write("n12.conf", "");
        Path main = write("k.conf", INSTANCE.formatted("VI_1", 51) + "include n0.conf\n");
        List<String> errors = errors(main);
        assertEquals(1, errors.size());
        assertTrue(errors.getFirst().startsWith(dir.resolve("n7.conf") + ":1: include " + dir.resolve("n8.conf")
                + ": includes are nested more than 8 deep"), errors.getFirst());
    }

    @Test
    void includeTakesOneArgumentAndVariantsAreReadTheSame() throws Exception {
        write("x.conf", INSTANCE.formatted("VI_1", 51));
        Path main = write("k.conf", "includea x.conf\ninclude\ninclude a b\n");
        assertEquals(List.of(
                        main + ":2: 'include' needs a file name or pattern",
                        // keepalived takes the rest of the line as the pattern
                        main + ":3: include a b: no such file (floatd refuses a missing include: it may hold a health check)"),
                errors(main));
    }

    @Test
    void blockMaySpanFilesAndDuplicateWarningsPointAcrossFiles() throws Exception {
        write("body.conf", "    interface eth0\n    virtual_router_id 51\n    priority 100\n");
        Path main = write("k.conf", """
                vrrp_instance VI_1 {
                    include body.conf
                    priority 120
                    unicast_peer {
                        10.0.0.2
                    }
                    virtual_ipaddress { 10.0.0.100 }
                }
                """);
        FloatdConfig config = ConfigParser.parse(main);
        assertEquals(120, config.instances().getFirst().priority());
        assertEquals(main + ":3: vrrp_instance VI_1: 'priority' is given again; this one wins over "
                + dir.resolve("body.conf") + ":3, as in keepalived", config.warnings().getFirst().toString());
    }

    @Test
    void parseFromTextResolvesRelativeIncludesAgainstTheNamedFilesDirectory() throws Exception {
        write("x.conf", INSTANCE.formatted("VI_1", 51));
        FloatdConfig config = ConfigParser.parse("include x.conf\n", dir.resolve("k.conf").toString());
        assertEquals(1, config.instances().size());
    }
}
