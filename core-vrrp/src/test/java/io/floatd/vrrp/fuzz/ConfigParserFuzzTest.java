package io.floatd.vrrp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.floatd.vrrp.config.ConfigError;
import io.floatd.vrrp.config.ConfigException;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzz target (Jazzer) for {@link ConfigParser#parse(String, String)}: the input bytes are the file,
 * read as UTF-8. Seeds ({@code ConfigParserFuzzTestInputs/parse/}) are realistic keepalived.conf files.
 *
 * <p>Property: the parser returns a config or throws {@link ConfigException} carrying at least one error, each
 * naming a file and a line inside it (0 only for whole-file problems); nothing else escapes.
 *
 * <p>Inputs that name a path under {@code /dev}, {@code /proc} or {@code /sys}, or hold a {@code *}, are skipped: an
 * {@code include} of {@code /dev/zero} ran the parser out of memory (fixed, see FUZZING.md), a {@code /proc} file can
 * be huge, a glob can walk the whole file system, and none of that is what this target is about. The file name sits
 * in a directory that does not exist, so relative includes find nothing.
 */
class ConfigParserFuzzTest {

    static final String FILE = "/nonexistent-floatd-fuzz/keepalived.conf";
    private static final Pattern SPECIAL_FILES = Pattern.compile("/\\s*(dev|proc|sys)\\b|\\*");

    @FuzzTest(maxDuration = "15s")
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        if (SPECIAL_FILES.matcher(text).find()) {
            return;
        }
        long lines = text.lines().count() + 1;
        FloatdConfig config;
        try {
            config = ConfigParser.parse(text, FILE);
        } catch (ConfigException e) {
            assertFalse(e.errors().isEmpty(), "a ConfigException without errors");
            for (ConfigError error : e.errors()) {
                assertNotNull(error.toString());
                assertFalse(error.file().isBlank(), () -> "error without a file: " + error);
                assertTrue(error.line() >= 0, () -> "negative line: " + error);
                if (error.file().equals(FILE)) { // an absolute include may name another file
                    assertTrue(error.line() <= lines, () -> "line past the end of the file: " + error);
                }
            }
            assertEquals(String.join("\n", e.errors().stream().map(ConfigError::toString).toList()), e.getMessage());
            return;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("parse threw " + e + " on:\n" + text, e);
        }
        assertNotNull(config);
        assertNotNull(config.instances());
        assertNotNull(config.warnings());
    }
}
