package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 (2): parsing is bounded, so no file can end the daemon that reads it on SIGHUP: line length, nesting
 * depth, number of files, total size and tokens are each one {@code file:line} error among the others; the parser
 * throws nothing but {@link ConfigException}; and (8) a file that is not UTF-8 says where.
 */
class ParseLimitsTest {
    @TempDir
    Path dir;

    private static final String INSTANCE = """
            vrrp_instance VI_1 {
                interface eth0
                virtual_router_id 51
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

    /** The errors of parsing {@code main}, as {@code file:line: message} relative to the temp dir. */
    private List<String> errors(Path main) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigParser.parse(main));
        return e.errors().stream().map(ConfigError::toString).map(s -> s.replace(dir + "/", "")).toList();
    }

    /**
     * Parses on a thread with the daemon's stack ({@code bin/floatd} runs with {@code -Xss512k}): what the parse
     * threw, if anything but a ConfigException, fails the test.
     */
    private List<String> errorsOnADaemonStack(Path main) throws InterruptedException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                ConfigParser.parse(main);
                result.set("parsed without errors");
            } catch (ConfigException e) {
                result.set(e.errors().stream().map(ConfigError::toString).map(s -> s.replace(dir + "/", "")).toList());
            } catch (Throwable e) {
                result.set(e);
            }
        }, "parse", 512 * 1024);
        t.start();
        t.join();
        if (result.get() instanceof Throwable e) {
            throw new AssertionError("the parser threw " + e, e);
        }
        assertTrue(result.get() instanceof List, String.valueOf(result.get()));
        @SuppressWarnings("unchecked")
        List<String> errors = (List<String>) result.get();
        return errors;
    }

    @Test
    void threeThousandNestedBracesInAnIncludeAreOneErrorNotAStackOverflow() throws Exception {
        write("deep.conf", "{\n".repeat(3000) + "}\n".repeat(3000));
        Path main = write("keepalived.conf", INSTANCE + "include deep.conf\n");
        List<String> errors = errorsOnADaemonStack(main);
        assertTrue(errors.contains("deep.conf:65: blocks nested too deep: more than 64 levels (at most 64); this block is skipped"),
                String.join("\n", errors));
        assertTrue(errors.size() < 200, errors.size() + " errors");
    }

    @Test
    void nestedKeywordBlocksPastTheDepthAreSkippedAndTheRestIsRead() throws Exception {
        Path main = write("keepalived.conf", "a {\n".repeat(3000) + "}\n".repeat(3000) + "vrrp_instance VI_2 {\n}\n");
        List<String> errors = errorsOnADaemonStack(main);
        assertTrue(errors.contains("keepalived.conf:65: blocks nested too deep: more than 64 levels (at most 64); this block is skipped"),
                String.join("\n", errors));
        // the instance after the deep block is still read and checked
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("keepalived.conf:6001: vrrp_instance VI_2: ")), String.join("\n", errors));
    }

    @Test
    void aFiftyMegabyteLineIsRefusedAtItsFileAndLineWithoutReadingIt() throws Exception {
        Path big = dir.resolve("big.conf");
        try (OutputStream out = Files.newOutputStream(big)) {
            out.write("! generated\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "x".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 50; i++) {
                out.write(chunk);
            }
        }
        Path main = write("keepalived.conf", INSTANCE + "include big.conf\nvrrp_instance VI_1 {\n}\n");
        List<String> errors = errorsOnADaemonStack(main);
        assertEquals("big.conf:2: configuration too large: it passes 4 MiB on this line (at most 4 MiB for the main file"
                + " and its includes together); the file is not read", errors.getLast());
        // collected with the others: the main file's own errors are all there
        assertTrue(errors.contains("keepalived.conf:9: vrrp_instance VI_1: vrrp_instance VI_1 is already defined at keepalived.conf:1"),
                String.join("\n", errors));
    }

    @Test
    void aLineLongerThan64KiBIsReportedAndSkippedAndOtherErrorsAreStillCollected() throws Exception {
        Path main = write("keepalived.conf", "global_defs {\n    router_id " + "r".repeat(100_000) + "\n}\n"
                + INSTANCE.replace("virtual_router_id 51", "virtual_router_id 300"));
        assertEquals(List.of(
                "keepalived.conf:2: line too long: 100014 characters (at most 65536); the line is skipped",
                "keepalived.conf:6: vrrp_instance VI_1: virtual_router_id must be between 1 and 255, but was 300"),
                errors(main));
    }

    @Test
    void moreThanAThousandFilesAreRefusedOnce() throws Exception {
        for (int i = 0; i < 1001; i++) {
            write("conf.d/%04d.conf".formatted(i), "! nothing\n");
        }
        Path main = write("keepalived.conf", INSTANCE + "include conf.d/*.conf\ninclude conf.d/0000.conf\n");
        List<String> errors = errors(main);
        assertEquals(List.of("keepalived.conf:8: include " + dir.resolve("conf.d/0999.conf").toString().replace(dir + "/", "")
                + ": too many files: more than 1000 (at most 1000, the main file and every include together);"
                + " this file and those after it are not read"), errors);
    }

    @Test
    void configurationsPast4MiBInAllAreRefusedWhereTheyPassIt() throws Exception {
        String comments = ("! " + "c".repeat(1021) + "\n").repeat(1536); // 1.5 MiB in 1536 lines
        write("a.conf", comments);
        write("b.conf", comments);
        write("c.conf", comments);
        Path main = write("keepalived.conf", INSTANCE + "include a.conf\ninclude b.conf\ninclude c.conf\n");
        assertEquals(List.of("c.conf:1024: configuration too large: it passes 4 MiB on this line (at most 4 MiB for the main"
                + " file and its includes together); the file is not read"), errors(main));
    }

    @Test
    void aQuarterOfAMillionTokensAreTheMost() throws Exception {
        // an undefined parameter at a line's start is an error each time (an unknown keyword would be a warning)
        Path main = write("keepalived.conf", INSTANCE + "! words\n" + "$A\n".repeat(150_000));
        List<String> errors = errors(main);
        assertTrue(errors.contains("keepalived.conf:124998: too many words and braces: more than 250000 in all files together"
                + " (at most 250000); nothing from here on is read"), errors.stream().filter(e -> e.contains("too many words")).toList().toString());
        assertEquals("keepalived.conf:1008: too many errors: 123991 more from here on are not shown (at most 1000 are)",
                errors.getLast());
        assertEquals(1001, errors.size());
    }

    @Test
    void aBinaryFileIsNotUtf8TextAtAByte() throws Exception {
        Path main = dir.resolve("keepalived.conf");
        byte[] head = "vrrp_instance VI_1 {\n".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 4);
        bytes[head.length] = 0x7f;
        bytes[head.length + 1] = (byte) 0xff;
        bytes[head.length + 2] = 'E';
        bytes[head.length + 3] = '\n';
        Files.write(main, bytes);
        assertEquals(List.of("keepalived.conf:2: not UTF-8 text at byte 22 (counting from 0); the file is not read"), errors(main));

        // an include: reported in the included file, the main file's own errors still collected
        Files.write(dir.resolve("blob.conf"), bytes);
        Path other = write("other.conf", "include blob.conf\nvrrp_instance VI_1 {\n}\n");
        List<String> errors = errors(other);
        assertEquals("blob.conf:2: not UTF-8 text at byte 22 (counting from 0); the file is not read", errors.getLast());
        assertTrue(errors.getFirst().startsWith("other.conf:2: vrrp_instance VI_1: "), errors.toString());
    }

    @Test
    void aTruncatedMultiByteCharacterAtTheEndIsNotUtf8Either() throws Exception {
        Path main = dir.resolve("keepalived.conf");
        byte[] bytes = "! caf\u00e9\n!".getBytes(StandardCharsets.UTF_8);
        bytes = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        bytes[bytes.length - 1] = (byte) 0xc3;
        Files.write(main, bytes);
        assertEquals(List.of("keepalived.conf:2: not UTF-8 text at byte 9 (counting from 0); the file is not read"), errors(main));
    }

    @Test
    void aKeyFileThatIsNotAFileOrTooLargeIsAnErrorNotARead() throws Exception {
        Path key = dir.resolve("key");
        Files.write(key, new byte[70_000]);
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path main = write("keepalived.conf", INSTANCE.replace("interface eth0", "interface eth0\n    transport {\n        udp auth_key_file "
                + key + "\n    }"));
        assertEquals(List.of("keepalived.conf:4: vrrp_instance VI_1: auth_key_file " + key.toString().replace(dir + "/", "")
                + ": holds 70000 bytes; a key or token is at most 65536"), errors(main));
    }
}
