package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.floatd.vrrp.script.CommandLine;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineTest {

    static Stream<Arguments> splits() {
        return Stream.of(
                Arguments.of("/bin/true", List.of("/bin/true")),
                Arguments.of("  /x/notify.sh   a  b\tc  ", List.of("/x/notify.sh", "a", "b", "c")),
                Arguments.of("/x/s 'two words' \"three more words\"",
                        List.of("/x/s", "two words", "three more words")),
                // keepalived.conf(5)'s own example: quotes join adjacent text into one string
                Arguments.of("abcd\" efg h jkl \"mnop", List.of("abcd efg h jkl mnop")),
                Arguments.of("abcd \"efg h jkl\" mnop", List.of("abcd", "efg h jkl", "mnop")),
                Arguments.of("a 'it\"s' \"it's\"", List.of("a", "it\"s", "it's")),
                Arguments.of("a '' \"\" b", List.of("a", "", "", "b")),
                Arguments.of("a\\ b c", List.of("a b", "c")),
                Arguments.of("say \\\"hi\\\"", List.of("say", "\"hi\"")),
                Arguments.of("\"in \\\" quotes\"", List.of("in \" quotes")),
                Arguments.of("back\\\\slash", List.of("back\\slash")),
                Arguments.of("t\\tn\\nr\\r", List.of("t\tn\nr\r")),
                Arguments.of("\\a\\b\\E\\f\\v", List.of("\u0007\b\u001b\f\u000b")),
                Arguments.of("o\\101\\0", List.of("oA\0")),
                Arguments.of("h\\x41\\x7e", List.of("hA~")),
                Arguments.of("c\\cA", List.of("c\u0001")),
                Arguments.of("\\q\\z", List.of("qz")),
                Arguments.of("", List.of()),
                Arguments.of("   ", List.of()));
    }

    @ParameterizedTest
    @MethodSource("splits")
    void splitsLikeKeepalived(String line, List<String> expected) {
        assertEquals(expected, CommandLine.split(line));
    }

    @Test
    void unterminatedQuoteIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> CommandLine.split("/x/s 'oops"));
        assertThrows(IllegalArgumentException.class, () -> CommandLine.split("/x/s \"oops"));
        // keepalived: "Missing escape char at end", and the script is dropped
        assertThrows(IllegalArgumentException.class, () -> CommandLine.split("trailing\\"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/x/s | logger",
        "/x/s > /tmp/out",
        "/x/s 2>&1",
        "/x/s < /etc/hosts",
        "/x/s; /y/t",
        "/x/s && /y/t",
        "/x/s || /y/t",
        "/x/s &",
        "/x/s $HOME",
        "/x/s \"$HOME\"",
        "/x/s `date`",
        "/x/s $(date)",
        "(/x/s)",
        "{ /x/s; }",
        "/x/*.sh",
        "/x/s?.sh",
        "/x/s[12].sh",
        "/x/s a{b,c}",
        "~/bin/s",
        "/x/s # comment",
        "FOO=bar /x/s",
        "! /x/s",
        "/x/s\n/y/t",
    })
    void shellSyntaxNeedsShell(String line) {
        assertEquals(true, CommandLine.needsShell(line), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/x/notify.sh",
        "/x/notify.sh VI_1 'two words' \"three words\"",
        "/x/s --opt=value",
        "/x/s a=b",
        "/x/s '$HOME' 'a|b' '*' '>'",
        "/x/s \"a|b\" \"*\" \"a;b\"",
        "/x/s a\\|b a\\;b a\\*b a\\$b",
        "/x/s a~b a#b",
        "logger -t floatd",
        "/x/s 10.0.0.1/24",
    })
    void plainLinesRunWithoutShell(String line) {
        assertEquals(false, CommandLine.needsShell(line), line);
    }
}
