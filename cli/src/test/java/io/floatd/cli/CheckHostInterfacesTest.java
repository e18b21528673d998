package io.floatd.cli;

import static io.floatd.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived -t (and keepalived's daemon at start) refuses a configuration whose instance interface or
 * track_interface does not exist on this host; floatd check, floatd -t and floatd run do the same at the line naming
 * it, {@code dynamic_interfaces} turns it into a warning, and {@code check --syntax-only} leaves the host out.
 */
class CheckHostInterfacesTest {
    /** A name no test host has (15 characters at most, as the kernel's). */
    private static final String MISSING = "fdnosuchif0";

    @TempDir
    static Path dir;

    @BeforeAll
    static void theMissingInterfaceIsMissing() throws IOException {
        assertEquals(null, NetworkInterface.getByName(MISSING), MISSING + " exists on this host");
    }

    private static Path conf(String name, String globalDefs, String iface, String tracked) throws IOException {
        return Files.writeString(dir.resolve(name), globalDefs + """
                vrrp_instance NOIF {
                    interface %s
                    virtual_router_id 89
                    unicast_src_ip 10.0.0.11
                    unicast_peer {
                        10.0.0.12
                    }
                    track_interface {
                        %s
                    }
                    virtual_ipaddress {
                        10.0.0.100
                    }
                }
                """.formatted(iface, tracked));
    }

    @Test
    void checkRefusesAnInstanceInterfaceMissingOnThisHostAtItsLine() throws IOException {
        Path c = conf("noif.conf", "", MISSING, "lo");
        CommandRun r = run("check", "-f", c.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("floatd: " + c + ":2: interface " + MISSING + " for vrrp_instance NOIF does not exist on this host"),
                r.err());
        assertFalse(r.out().contains("valid"), r.out());
    }

    @Test
    void checkRefusesATrackedInterfaceMissingOnThisHostAtItsLine() throws IOException {
        Path c = conf("notrack.conf", "", "lo", MISSING);
        CommandRun r = run("check", "-f", c.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("floatd: " + c + ":9: track_interface " + MISSING + " for vrrp_instance NOIF does not exist"),
                r.err());
    }

    @Test
    void interfacesThatExistPass() throws IOException {
        CommandRun r = run("check", "-f", conf("lo.conf", "", "lo", "lo").toString());
        assertEquals(FloatdCommand.EXIT_OK, r.exit(), r.err());
        assertFalse(r.err().contains("does not exist"), r.err());
    }

    @Test
    void keepalivedsDashTRefusesItToo() throws IOException {
        Path c = conf("noif-t.conf", "", MISSING, "lo");
        CommandRun r = run("-t", "-f", c.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(c + ":2: interface " + MISSING), r.err());
    }

    @Test
    void syntaxOnlyLeavesTheHostOut() throws IOException {
        CommandRun r = run("check", "--syntax-only", "-f", conf("other-host.conf", "", MISSING, MISSING).toString());
        assertEquals(FloatdCommand.EXIT_OK, r.exit(), r.err());
        assertFalse(r.err().contains("does not exist"), r.err());
    }

    @Test
    void withDynamicInterfacesCheckWarnsAtTheLineAndAccepts() throws IOException {
        Path c = conf("dynamic.conf", "global_defs {\n    dynamic_interfaces\n}\n", MISSING, MISSING);
        CommandRun r = run("check", "-f", c.toString());
        assertEquals(FloatdCommand.EXIT_OK, r.exit(), r.err());
        assertTrue(r.err().contains("floatd: warning: " + c + ":5: interface " + MISSING + " for vrrp_instance NOIF does not exist on"
                + " this host yet"), r.err());
        assertTrue(r.err().contains("floatd: warning: " + c + ":12: track_interface " + MISSING), r.err());
    }

    @Test
    void runRefusesToStartAsKeepalivedsDaemonDoes() throws IOException {
        Path c = conf("run-noif.conf", "", MISSING, "lo");
        CommandRun r = run("run", "-f", c.toString(), "--status-address", "off", "--control-socket", "off");
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(c + ":2: interface " + MISSING + " for vrrp_instance NOIF does not exist on this host"), r.err());
        assertTrue(r.err().contains("nothing started"), r.err());
    }
}
