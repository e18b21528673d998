package io.floatd.vrrp.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.ConfigError;
import io.floatd.vrrp.config.ConfigException;
import io.floatd.vrrp.config.ConfigParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of broken configs in {@code src/test/resources/bad-configs}: each {@code NN-what.conf} holds one
 * mistake and says, on its first line(s), where it must be reported:
 * <pre>
 * ! expect: 7: priority must be between
 * ! expect: inc/loop-b.conf:2: include loop
 * </pre>
 * i.e. {@code [file relative to bad-configs/:]line: message fragment}; the file defaults to the config itself.
 * Each config is parsed from disk (so includes resolve next to it) and must fail with every expected error.
 */
class BadConfigsTest {

    private static final Pattern NAME = Pattern.compile("\\d\\d-[a-z0-9-]+\\.conf");
    private static final Pattern EXPECT = Pattern.compile("^! expect: (?:(\\S+):)?(\\d+): (.+)$");

    record Expectation(String file, int line, String fragment) {
    }

    static Path dir() {
        try {
            return Path.of(BadConfigsTest.class.getResource("/bad-configs").toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    static Stream<String> configs() throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> NAME.matcher(n).matches()).sorted().toList().stream();
        }
    }

    @Test
    void theCorpusHasAtLeastThirtyMistakes() throws IOException {
        assertTrue(configs().count() >= 30, "bad-configs holds " + configs().count() + " configs");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void reportsTheMistakeAtItsLine(String name) throws IOException {
        Path file = dir().resolve(name);
        List<Expectation> expected = Files.readAllLines(file).stream()
                .map(EXPECT::matcher).filter(Matcher::matches)
                .map(m -> new Expectation(m.group(1) == null ? name : m.group(1), Integer.parseInt(m.group(2)), m.group(3)))
                .toList();
        assertFalse(expected.isEmpty(), name + " has no '! expect: line: fragment' line");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(file), name + " was accepted");
        List<ConfigError> errors = e.errors();
        for (Expectation x : expected) {
            Path where = dir().resolve(x.file()).normalize();
            assertTrue(errors.stream().anyMatch(err -> Path.of(err.file()).toAbsolutePath().normalize().equals(where)
                            && err.line() == x.line() && err.message().contains(x.fragment())),
                    () -> name + ": expected " + x.file() + ":" + x.line() + ": ..." + x.fragment() + "... among:\n"
                            + String.join("\n", errors.stream().map(ConfigError::toString).toList()));
        }
        assertEquals(String.join("\n", errors.stream().map(ConfigError::toString).toList()), e.getMessage());
    }
}
