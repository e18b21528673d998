package io.floatd.vrrp.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.TrackProcessConfig;
import io.floatd.vrrp.config.TrackProcessConfig.ParamMatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** keepalived's matching rules for track_process, on names and command lines given as /proc shows them. */
class ProcessMatchTest {
    private static TrackProcessConfig byName(String name) {
        return TrackProcessConfig.of("tp", name);
    }

    private static TrackProcessConfig byCommand(String process, ParamMatch match, String... params) {
        return new TrackProcessConfig("tp", process, List.of(params), match, true, 0, false, 1,
                TrackProcessConfig.NO_MAXIMUM, Duration.ZERO, Duration.ZERO, 0);
    }

    /** A cmdline as the kernel shows it: each word followed by a NUL. */
    private static byte[] cmdline(String... words) {
        return (String.join("\0", words) + "\0").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theNameMustBeEqualNotContained() {
        assertTrue(ProcessMatch.matches(byName("ssh"), "ssh", null));
        // unlike 'pgrep ssh', which also finds sshd
        assertFalse(ProcessMatch.matches(byName("ssh"), "sshd", null));
        assertFalse(ProcessMatch.matches(byName("sshd"), "ssh", null));
        assertFalse(ProcessMatch.matches(byName("SSH"), "ssh", null));
    }

    @Test
    void withoutFullCommandTheCommandLineIsNotLookedAt() {
        assertFalse(ProcessMatch.matches(byName("/usr/sbin/haproxy"), "haproxy", cmdline("/usr/sbin/haproxy", "-f", "x")));
    }

    @Test
    void fullCommandComparesTheFirstWordExactlyAndIgnoresArgumentsWithoutParamMatch() {
        TrackProcessConfig c = byCommand("/usr/sbin/haproxy", ParamMatch.NONE);
        assertTrue(ProcessMatch.matches(c, "haproxy", cmdline("/usr/sbin/haproxy", "-f", "/etc/haproxy.cfg")));
        assertTrue(ProcessMatch.matches(c, "haproxy", cmdline("/usr/sbin/haproxy")));
        assertFalse(ProcessMatch.matches(c, "haproxy", cmdline("haproxy", "-f", "x")));
        assertFalse(ProcessMatch.matches(c, "haproxy", cmdline("/usr/sbin/haproxyX")));
        // a kernel thread has an empty command line
        assertFalse(ProcessMatch.matches(c, "haproxy", new byte[0]));
        assertFalse(ProcessMatch.matches(c, "haproxy", null));
    }

    @Test
    void exactMeansTheSameArgumentsNoMoreNoFewer() {
        TrackProcessConfig c = byCommand("sleep", ParamMatch.EXACT, "300");
        assertTrue(ProcessMatch.matches(c, "sleep", cmdline("sleep", "300")));
        assertFalse(ProcessMatch.matches(c, "sleep", cmdline("sleep", "3000")));
        assertFalse(ProcessMatch.matches(c, "sleep", cmdline("sleep", "30")));
        assertFalse(ProcessMatch.matches(c, "sleep", cmdline("sleep", "300", "x")));
        assertFalse(ProcessMatch.matches(c, "sleep", cmdline("sleep")));
    }

    @Test
    void exactWithoutArgumentsMeansTheProcessHasNone() {
        TrackProcessConfig c = byCommand("sleep", ParamMatch.EXACT);
        assertTrue(ProcessMatch.matches(c, "sleep", cmdline("sleep")));
        assertFalse(ProcessMatch.matches(c, "sleep", cmdline("sleep", "1")));
    }

    @Test
    void partialMeansTheFirstArgumentsAreThoseGivenAndMoreMayFollow() {
        TrackProcessConfig c = byCommand("nginx", ParamMatch.PARTIAL, "-c", "/etc/a.conf");
        assertTrue(ProcessMatch.matches(c, "nginx", cmdline("nginx", "-c", "/etc/a.conf")));
        assertTrue(ProcessMatch.matches(c, "nginx", cmdline("nginx", "-c", "/etc/a.conf", "-g", "daemon off;")));
        // each given argument is whole
        assertFalse(ProcessMatch.matches(c, "nginx", cmdline("nginx", "-c", "/etc/a.conf.bak")));
        assertFalse(ProcessMatch.matches(c, "nginx", cmdline("nginx", "-c")));
        assertFalse(ProcessMatch.matches(c, "nginx", cmdline("nginx", "-g", "-c", "/etc/a.conf")));
    }

    @Test
    void initialLetsTheLastGivenArgumentBeTheStartOfTheProcesss() {
        TrackProcessConfig c = byCommand("java", ParamMatch.INITIAL, "-jar", "/opt/app");
        assertTrue(ProcessMatch.matches(c, "java", cmdline("java", "-jar", "/opt/app-1.2.jar", "--port", "80")));
        assertTrue(ProcessMatch.matches(c, "java", cmdline("java", "-jar", "/opt/app")));
        // only the last one may continue
        assertFalse(ProcessMatch.matches(c, "java", cmdline("java", "-jarx", "/opt/app")));
        assertFalse(ProcessMatch.matches(c, "java", cmdline("java", "-jar", "/opt/ap")));
    }

    @Test
    void partialOrInitialWithoutArgumentsMatchAnyArguments() {
        assertTrue(ProcessMatch.matches(byCommand("sleep", ParamMatch.PARTIAL), "sleep", cmdline("sleep", "5")));
        assertTrue(ProcessMatch.matches(byCommand("sleep", ParamMatch.INITIAL), "sleep", cmdline("sleep", "5")));
    }

    @Test
    void aQuotedCommandWithSpacesIsOneWord() {
        TrackProcessConfig c = byCommand("/opt/my app", ParamMatch.EXACT, "a b");
        assertTrue(ProcessMatch.matches(c, "my app", cmdline("/opt/my app", "a b")));
        assertFalse(ProcessMatch.matches(c, "my app", cmdline("/opt/my", "app", "a", "b")));
    }

    @Test
    void enoughOfTheCommandLineIsReadToSeeThatItGoesOn() {
        TrackProcessConfig c = byCommand("sleep", ParamMatch.EXACT, "300");
        // "sleep\0300\0" is 10 bytes; one more shows an extra argument
        assertEquals(11, ProcessMatch.cmdlineBytes(List.of(c, byName("a-much-longer-name"))));
        assertEquals(0, ProcessMatch.cmdlineBytes(List.of(byName("x"))));
        byte[] longer = cmdline("sleep", "300", "x");
        byte[] read = java.util.Arrays.copyOf(longer, 11);
        assertFalse(ProcessMatch.matches(c, "sleep", read));
    }
}
