package io.floatd.cli;

import static io.floatd.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: the providers' errors of the floating_ip blocks (their own keywords, the shared takeover keywords) are
 * found by the parse itself, so {@code floatd check} reports them with the file's other errors, in one list in
 * file:line order, instead of only once the rest of the file is valid; {@code floatd run} checks the same way before
 * anything starts.
 */
class ProviderErrorsInTheParsePassTest {
    @TempDir
    Path dir;

    @Test
    void checkReportsProviderErrorsTogetherWithTheParsersInLineOrder() throws IOException {
        Path p = dir.resolve("k.conf");
        Files.writeString(p, """
                vrrp_instance VI_1 {
                    interface lo
                    virtual_router_id 51
                    unicast_src_ip 10.0.0.11
                    unicast_peer {
                        10.0.0.12
                    }
                    floating_ip {
                        provider aws
                        address 198.51.100.10
                        region Europe
                    }
                }
                vrrp_instance VI_2 {
                    interface lo
                    virtual_router_id 300
                    unicast_src_ip 10.0.0.11
                    unicast_peer {
                        10.0.0.12
                    }
                }
                vrrp_instance VI_3 {
                    interface lo
                    virtual_router_id 53
                    unicast_src_ip 10.0.0.11
                    unicast_peer {
                        10.0.0.12
                    }
                    floating_ip {
                        provider aws
                        address 198.51.100.13
                        deadline soon
                    }
                }
                """);
        CommandRun r = run("check", "-f", p.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit(), r::toString);
        List<String> lines = r.err().lines().filter(l -> l.startsWith("floatd: " + p)).toList();
        assertEquals(4, lines.size(), r::err);
        assertEquals("floatd: " + p + ":8: vrrp_instance VI_1: aws: floating_ip region must be a region name such as"
                + " eu-west-1, but was 'Europe'", lines.get(0));
        assertEquals("floatd: " + p + ":16: vrrp_instance VI_2: virtual_router_id must be between 1 and 255, but was 300",
                lines.get(1));
        assertEquals("floatd: " + p + ":29: vrrp_instance VI_3: floating_ip: deadline must be a number of seconds, but"
                + " was soon", lines.get(2));
        assertEquals("floatd: " + p + ": 3 error(s); nothing started", lines.get(3));
    }

    @Test
    void runRefusesAProviderKeywordAtItsLineBeforeAnyInstanceStarts() throws IOException {
        Path p = dir.resolve("k.conf");
        Files.writeString(p, """
                vrrp_instance VI_1 {
                    interface lo
                    virtual_router_id 51
                    unicast_src_ip 127.0.0.1
                    unicast_peer {
                        127.0.0.2
                    }
                    floating_ip {
                        provider digitalocean
                        address 203.0.113.5
                        bogus_key 1
                    }
                }
                """);
        CommandRun r = run("run", "-f", p.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit(), r::toString);
        List<String> lines = r.err().lines().filter(l -> l.startsWith("floatd: " + p)).toList();
        assertEquals(List.of("floatd: " + p + ":8: vrrp_instance VI_1: digitalocean: floating_ip unknown key 'bogus_key'"
                + " (known: address, api_paths, api_url, droplet_id, metadata_url, peer_droplet_id, provider, token_file)",
                "floatd: " + p + ": 1 error(s); nothing started"), lines, r::err);
        // refused by the parse, not by a provider's create after the instances started ("cannot start", exit 3)
        assertFalse(r.err().contains("cannot start"), r::err);
    }
}
