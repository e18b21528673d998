package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.KeepalivedKeywords.Block;
import io.floatd.vrrp.config.KeepalivedKeywords.Keyword;
import io.floatd.vrrp.config.KeepalivedKeywords.Treatment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The keyword catalogue against keepalived 2.2.7's list, and what the parser does with each class of keyword. */
class KeepalivedKeywordsTest {


    /**
     * A valid file: the keyword under test goes on line 1 (top level, global_defs or garp_group), line 7 (an
     * instance) or line 6 (a sync group of the file's two instances).
     */
    private static String place(Keyword k) {
        String instance = """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                %s    virtual_ipaddress { 10.0.0.100 }
                }
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 52
                    unicast_peer {
                        10.0.0.2
                    }
                    virtual_ipaddress { 10.0.0.101 }
                }
                """;
        return switch (k.block()) {
            case TOP -> k.name() + " 1\n" + instance.formatted("");
            case GLOBAL_DEFS -> "global_defs { " + k.name() + " 1 }\n" + instance.formatted("");
            case GARP_GROUP -> "garp_group { " + k.name() + " 1 }\n" + instance.formatted("");
            case VRRP_INSTANCE -> instance.formatted("    " + k.name() + " 1\n");
            case VRRP_SYNC_GROUP -> "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n    " + k.name()
                    + " 1\n}\n" + instance.formatted("");
            default -> throw new IllegalArgumentException(k.toString());
        };
    }

    private static int lineOf(Keyword k) {
        return switch (k.block()) {
            case VRRP_INSTANCE -> 7;
            case VRRP_SYNC_GROUP -> 6;
            default -> 1;
        };
    }

    @Test
    void everyKeywordOfKeepalived227IsClassified() {
        List<String> missing = new ArrayList<>();
        KeepalivedKeywords.MAN_PAGE_2_2_7.forEach((block, names) -> names.stream()
                .filter(n -> KeepalivedKeywords.find(block, n).isEmpty())
                .forEach(n -> missing.add(block.where() + " " + n)));
        assertEquals(List.of(), missing);
        // and the catalogue holds nothing that is not keepalived's
        List<String> extra = KeepalivedKeywords.all().stream()
                .filter(k -> !KeepalivedKeywords.MAN_PAGE_2_2_7.get(k.block()).contains(k.name()))
                .map(k -> k.block().where() + " " + k.name()).toList();
        assertEquals(List.of(), extra);
    }

    @Test
    void everyWarnedOrRefusedKeywordSaysWhy() {
        KeepalivedKeywords.all().stream().filter(k -> k.treatment() != Treatment.IMPLEMENTED)
                .forEach(k -> assertFalse(k.note().isBlank(), k.toString()));
    }

    @Test
    void warnedKeywordsLoadWithExactlyOneWarningAtTheirLine() throws ConfigException {
        for (Keyword k : KeepalivedKeywords.all()) {
            if (k.treatment() != Treatment.WARNED) {
                continue;
            }
            if (k.block() != Block.TOP && k.block() != Block.GLOBAL_DEFS && k.block() != Block.VRRP_INSTANCE
                    && k.block() != Block.GARP_GROUP && k.block() != Block.VRRP_SYNC_GROUP) {
                continue;
            }
            FloatdConfig config = ConfigParser.parse(place(k), "k.conf");
            List<String> warnings = config.warnings().stream().map(ConfigError::toString).toList();
            assertEquals(1, warnings.size(), k + ": " + warnings);
            String expectedName = k.block() == Block.GARP_GROUP ? "garp_group" : k.name();
            assertTrue(warnings.getFirst().startsWith("k.conf:" + lineOf(k) + ": "), warnings.getFirst());
            assertTrue(warnings.getFirst().contains(expectedName), warnings.getFirst());
        }
    }

    @Test
    void refusedKeywordsAreAnErrorAtTheirFileAndLineNamingWhy() {
        for (Keyword k : KeepalivedKeywords.all()) {
            if (k.treatment() != Treatment.REFUSED) {
                continue;
            }
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(place(k), "k.conf"), k.toString());
            if (ConfigParser.handled(k.block()).contains(k.name())) {
                // its own handler refuses it, in its own words
                assertTrue(e.errors().stream().anyMatch(err -> err.line() == lineOf(k) && err.message().contains(k.name())),
                        k + ": " + e.errors());
                continue;
            }
            if (k.block() == Block.VRRP_SYNC_GROUP) {
                assertTrue(e.errors().stream().map(ConfigError::toString).anyMatch(err -> err.startsWith("k.conf:6: ")
                        && err.endsWith("floatd does not support '" + k.name() + "' in vrrp_sync_group: " + k.note())),
                        k + ": " + e.errors());
                continue;
            }
            String expected = "k.conf:" + lineOf(k) + ": " + (k.block() == Block.VRRP_INSTANCE ? "vrrp_instance VI_1: " : "")
                    + (k.block() == Block.GLOBAL_DEFS ? "global_defs: " : "")
                    + "floatd does not support '" + k.name() + "' in " + k.block().where() + ": " + k.note();
            assertTrue(e.errors().stream().map(ConfigError::toString).anyMatch(expected::equals),
                    k + ": " + e.errors());
        }
    }

    @Test
    void everyImplementedKeywordHasAHandler() {
        List<String> without = new ArrayList<>();
        for (Keyword k : KeepalivedKeywords.all()) {
            if (k.treatment() == Treatment.IMPLEMENTED && !ConfigParser.handled(k.block()).contains(k.name())) {
                without.add(k.block().where() + " " + k.name());
            }
        }
        assertEquals(List.of(), without, "classified implemented, but no handler reads them");
    }


    @Test
    void aHandlerWinsOverTheCatalogue() throws ConfigException {
        // virtual_server is WARNED in the catalogue and has its own skipping handler: still one warning, its own
        Keyword k = KeepalivedKeywords.find(Block.TOP, "virtual_server").orElseThrow();
        assertTrue(ConfigParser.handled(Block.TOP).contains("virtual_server"));
        FloatdConfig config = ConfigParser.parse(place(k), "k.conf");
        assertEquals(List.of("k.conf:1: skipped 'virtual_server 1': keepalived's load balancer (LVS) is not part of floatd"),
                config.warnings().stream().map(ConfigError::toString).toList());
    }

    @Test
    void vrrpTrackFileIsTrackFilesOlderName() {
        assertEquals(Block.TRACK_FILE, Block.of("vrrp_track_file").orElseThrow());
    }

    /** The README's keyword table is the catalogue's; {@code -Dfloatd.readme.write=true} rewrites it. */
    @Test
    void readmeTableIsGeneratedFromTheCatalogue() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        String begin = "<!-- keepalived-keywords:begin (generated by KeepalivedKeywordsTest) -->\n";
        String end = "<!-- keepalived-keywords:end -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        assertTrue(from >= 0 && to > from, "README.md has no generated keyword table between the markers");
        String expected = KeepalivedKeywords.markdownTable();
        String actual = text.substring(from + begin.length(), to);
        if (Boolean.getBoolean("floatd.readme.write") && !expected.equals(actual)) {
            Files.writeString(readme, text.substring(0, from + begin.length()) + expected + text.substring(to));
            actual = expected;
        }
        assertEquals(expected, actual, "README.md's keyword table differs from KeepalivedKeywords; rerun with -Dfloatd.readme.write=true");
    }
}
