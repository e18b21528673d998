package io.floatd.cli;

import static io.floatd.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.ParseOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -i}/{@code --config-id} on run and check: which {@code @ID} and {@code @^ID} lines a configuration keeps. */
class ConfigIdOptionTest {
    @TempDir
    Path dir;

    /** lb1 gets priority 150; any other node gets 0, which is out of range: the verdict shows which line was kept. */
    private Path conf() throws IOException {
        Path p = dir.resolve("k.conf");
        Files.writeString(p, """
                vrrp_instance VI_1 {
                    interface lo
                    virtual_router_id 51
                    @lb1 priority 150
                    @^lb1 virtual_router_id 0
                    unicast_peer {
                        10.0.0.12
                    }
                }
                """);
        return p;
    }

    @Test
    void checkKeepsTheLinesOfTheConfigIdGiven() throws IOException {
        CommandRun lb1 = run("check", "--dump", "-i", "lb1", "-f", conf().toString());
        assertEquals(0, lb1.exit(), lb1.err());
        assertTrue(lb1.out().contains("priority 150"), lb1.out());
        CommandRun other = run("check", "--config-id", "lb2", "-f", conf().toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, other.exit(), other.out());
        assertTrue(other.err().contains("k.conf:5: "), other.err());
    }

    @Test
    void runReadsTheConfigIdToo() throws IOException {
        CommandRun other = run("run", "-i", "lb2", "-f", conf().toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, other.exit(), other.out());
        assertTrue(other.err().contains("k.conf:5: "), other.err());
    }

    @Test
    void withoutTheOptionTheHostNameUpToTheFirstDotIsTheId() throws IOException {
        String host = ParseOptions.defaultConfigId();
        Path p = dir.resolve("h.conf");
        Files.writeString(p, Files.readString(conf()).replace("lb1", host.isEmpty() ? "nohost" : host));
        CommandRun r = run("check", "--dump", "-f", p.toString());
        if (host.isEmpty() || host.contains(" ")) {
            return; // no usable host name here: nothing to compare with
        }
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("priority 150"), r.out());
    }
}
