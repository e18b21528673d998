package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.KeepalivedCheck;
import io.floatd.testing.Netns;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each {@code virtual_routes}/{@code virtual_rules} line asked of the real keepalived 2.2.7 ({@code keepalived -t} in a
 * namespace with eth0) and of floatd's parser: where keepalived is clean (exit 0) floatd loads it without a word, or
 * refuses at the line an option it does not implement; where keepalived reports the line and runs on (exit 5), floatd
 * warns at the same line with keepalived's words, or refuses it where keepalived drops the line.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class VirtualRoutesVerdictsTest {
    @RegisterExtension
    static final KeepalivedCheck keepalived = KeepalivedCheck.perClass("kvr", "10.0.0.11/24");
    private static final int LINE = 12; // the route or rule's line in the file below

    @TempDir
    Path dir;

    private static String file(String block, String line) {
        return """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_src_ip 10.0.0.11
                    unicast_peer {
                        10.0.0.12
                    }
                    virtual_ipaddress {
                        10.0.0.100/24
                    }
                    %s {
                        %s
                    }
                }
                """.formatted(block, line);
    }

    /** keepalived refuses to start with a route or rule naming an interface the host lacks; floatd's host check too. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            virtual_routes | 10.1.0.0/16 via 10.0.0.1 dev eth9               | interface eth9 for VROUTE nexthop doesn't exist
            virtual_rules  | from 10.0.0.0/24 table 100 priority 5 oif eth9 | interface eth9 for rule doesn't exist
            virtual_rules  | from 10.0.0.0/24 table 100 priority 5 iif eth9 | interface eth9 for rule doesn't exist
            """)
    void aMissingInterfaceIsRefusedByBothAtTheLine(String block, String line, String keepalivedSays) throws Exception {
        String text = file(block, line);
        Netns.Result k = keepalived.check(dir.resolve("keepalived.conf"), text, "-l");
        assertEquals(5, k.exitCode(), k.output());
        assertTrue(k.output().contains("Line " + LINE + ") WARNING - " + keepalivedSays), k.output());
        assertTrue(k.output().contains("Non-existent interface specified in configuration"), k.output());
        HostCheck.Result r = HostCheck.check(ConfigParser.parse(text, "k.conf"), java.util.Set.of("lo", "eth0", "eth1")::contains);
        assertEquals(1, r.errors().size(), r.toString());
        assertEquals(LINE, r.errors().getFirst().line(), r.toString());
        assertTrue(r.errors().getFirst().message().contains("interface eth9 for virtual_routes/virtual_rules"), r.toString());
    }

    /**
     * @param keepalivedExit keepalived -t's exit code
     * @param keepalivedSays a piece of what keepalived prints for the line ("" when clean)
     * @param floatd ok, warn or error
     * @param floatdSays a piece of floatd's message at the line ("" when ok)
     */
    @ParameterizedTest(name = "{0} {1}: keepalived {2}, floatd {4}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            virtual_routes | 10.1.0.0/16 via 10.0.0.1 dev eth0                         | 0 |  | ok |
            virtual_routes | 10.1.0.0/16 via 10.0.0.1 dev eth0 no_track                | 0 |  | ok |
            virtual_routes | src 10.0.0.100 to 10.1.0.0/16 via 10.0.0.1 dev eth0 table 100 metric 10 | 0 | | ok |
            virtual_routes | default via 10.0.0.1 dev eth0 table 100                    | 0 |  | ok |
            virtual_routes | 10.1.0.0/16 dev eth0 scope link                            | 0 |  | ok |
            virtual_routes | fd01::/64 via fd00::1 dev eth0                             | 0 |  | ok |
            virtual_routes | 10.1.0.0/16 via 10.0.0.1 dev eth0 table 100 onlink         | 0 |  | ok |
            virtual_routes | 10.1.0.0/16 via 10.0.0.1                                   | 5 | cannot track route 10.1.0.0/16 with no interface specified, not tracking | warn | Warning - cannot track route 10.1.0.0/16 with no interface specified, not tracking
            virtual_routes | blackhole 10.2.0.0/16                                      | 5 | cannot track route 10.2.0.0/16 with no interface specified | warn | cannot track route 10.2.0.0/16 with no interface specified
            virtual_routes | 0.0.0.0/0 gw 10.0.0.1 table 100                            | 5 | "gw" for routes is deprecated | warn | "gw" for routes is deprecated
            virtual_routes | 10.1.0.0/16 via 10.0.0.1 dev eth0 protocol static          | 5 | Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol | warn | Route cannot be tracked if protocol is not RTPROT_KEEPALIVED(18), resetting protocol
            virtual_routes | 10.1.0.0/16 via fd00::1 dev eth0                            | 5 | Cannot mix IPv4 and IPv6 addresses for route | error | Cannot mix IPv4 and IPv6 addresses for route
            virtual_routes | 10.1.0.0/16 via 10.0.0.1 dev eth0 bogus                    | 5 | unknown route keyword bogus | error | unknown route keyword bogus
            virtual_routes | 10.1.0.0/16 via 10.0.0.1 dev eth0 table foo                | 5 | Routing table foo not found for route | error | Routing table foo not found or invalid for route
            virtual_routes | 10.1.0.0/16 via 10.0.0.1 dev eth0 mtu 1400                 | 0 |  | error | floatd does not support 'mtu' in virtual_routes yet
            virtual_routes | 10.1.0.0/16 nexthop via 10.0.0.1 dev eth0 nexthop via 10.0.0.2 dev eth0 | 5 | cannot track route 10.1.0.0/16 with no interface specified | error | floatd does not support 'nexthop' in virtual_routes yet
            virtual_rules  | from 10.0.0.0/24 table 100 priority 100 iif eth0 fwmark 0x10/0xff | 0 |  | ok |
            virtual_rules  | from 10.0.0.100/32 table 100                               | 5 | Rule has no preference specified - setting to 16384. This is probably not what you want. | warn | Rule has no preference specified - setting to 16384. This is probably not what you want.
            virtual_rules  | not from 10.0.0.0/24 blackhole priority 7                  | 0 |  | ok |
            virtual_rules  | from 10.0.0.0/24 priority 5                                | 5 | No action specified for rule - ignoring | error | No action specified for rule - ignoring
            virtual_rules  | from 10.0.0.0/24 table 100 goto 200 priority 5             | 5 | Cannot specify more than one of table/nop/goto | error | floatd does not support 'goto' in virtual_rules yet
            virtual_rules  | from 10.0.0.0/24 table 100 priority 5 protocol static      | 5 | Invalid protocol static | error | Protocol static not found or invalid
            virtual_rules  | from 10.0.0.0/24 table 100 priority 5 uidrange 1-2         | 0 |  | error | floatd does not support 'uidrange' in virtual_rules yet
            virtual_rules  | from 10.0.0.0/24 priority 5 bogus                          | 5 | Unknown rule option bogus | error | Unknown rule option bogus
            """)
    void floatdAgreesWithKeepalivedOnTheLine(String block, String line, int keepalivedExit, String keepalivedSays,
            String floatd, String floatdSays) throws Exception {
        String text = file(block, line);
        Netns.Result k = keepalived.check(dir.resolve("keepalived.conf"), text, "-l");
        assertEquals(keepalivedExit, k.exitCode(), k.output());
        if (keepalivedSays != null) {
            assertTrue(k.output().contains("Line " + LINE + ") ") && k.output().contains(keepalivedSays), k.output());
        }
        switch (floatd) {
            case "ok" -> assertEquals(List.of(), ConfigParser.parse(text, "k.conf").warnings());
            case "warn" -> {
                FloatdConfig c = ConfigParser.parse(text, "k.conf");
                assertTrue(c.warnings().stream().allMatch(w -> w.line() == LINE), c.warnings().toString());
                assertTrue(c.warnings().stream().anyMatch(w -> w.message().contains(floatdSays)), c.warnings().toString());
            }
            default -> {
                ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                        () -> ConfigParser.parse(text, "k.conf"));
                assertEquals(1, e.errors().size(), e.errors().toString());
                assertEquals(LINE, e.errors().getFirst().line(), e.errors().toString());
                assertTrue(e.errors().getFirst().message().contains(floatdSays), e.errors().toString());
            }
        }
    }
}
