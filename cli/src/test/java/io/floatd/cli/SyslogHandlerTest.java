package io.floatd.cli;

import static io.floatd.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --syslog} (issue 17, keepalived's {@code -S}): the facilities keepalived names, and a missing syslog daemon
 * said in one line before anything starts. The datagrams themselves: io.floatd.it.SyslogTest, on a real socket.
 */
class SyslogHandlerTest {
    @Test
    void facilitiesAreKeepalivedsWithZeroToSevenAsLocalZeroToSeven() {
        assertEquals(3, SyslogHandler.facility("daemon"));
        assertEquals(1, SyslogHandler.facility("user"));
        assertEquals(16, SyslogHandler.facility("0"));
        assertEquals(23, SyslogHandler.facility("7"));
        assertEquals(19, SyslogHandler.facility("local3"));
        assertEquals(-1, SyslogHandler.facility("local8"));
        assertEquals(-1, SyslogHandler.facility("kern"));
    }

    @Test
    void noSyslogDaemonListeningIsOneLineAndAUsageExit(@TempDir Path tmp) throws IOException {
        Path none = tmp.resolve("log");
        IOException e = assertThrows(IOException.class, () -> SyslogSocket.open(none.toString()));
        assertTrue(e.getMessage().startsWith("cannot connect to " + none), e.getMessage());
        Path conf = Files.writeString(tmp.resolve("f.conf"), "");
        CommandRun r = run("run", "-f", conf.toString(), "--syslog", "--syslog-socket", none.toString());
        assertEquals(FloatdCommand.EXIT_USAGE, r.exit(), r::toString);
        assertEquals("floatd: --syslog: cannot connect to " + none
                + " (is a syslog daemon running and is it a datagram socket?)\n", r.err());
        CommandRun bad = run("run", "-f", conf.toString(), "--syslog=kern");
        assertEquals(FloatdCommand.EXIT_USAGE, bad.exit(), bad::toString);
        assertEquals("floatd: --syslog kern: expected daemon, user, local0-local7 or 0-7\n", bad.err());
    }

    @Test
    void keepalivedsFacilityOptionTurnsSyslogOnUnlessNoSyslogIsGiven() {
        KeepalivedOptions s = KeepalivedCommandLineTest.parse("-n", "-S", "3", "-f", "/etc/k.conf");
        assertTrue(s.runArguments().contains("--syslog=3"), s.runArguments()::toString);
        KeepalivedOptions g = KeepalivedCommandLineTest.parse("-n", "-S", "3", "-G", "-f", "/etc/k.conf");
        assertTrue(g.runArguments().stream().noneMatch(a -> a.startsWith("--syslog")), g.runArguments()::toString);
        assertEquals(1, g.notes().size(), g.notes()::toString);
    }
}
