package io.floatd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The signal table: keepalived's signals keep their meaning, and no signal that would end or stop the JVM is left so. */
class SignalPlanTest {
    private static final int SR = SignalPlan.JVM_SR_SIGNAL;

    private static Map<String, SignalPlan.Action> byName(int sr) {
        return SignalPlan.linux(sr).stream().collect(Collectors.toMap(SignalPlan.Entry::name, SignalPlan.Entry::action));
    }

    @Test
    void keepalivedsSignalsKeepTheirMeaning() {
        Map<String, SignalPlan.Action> p = byName(SR);
        assertEquals(SignalPlan.Action.RELOAD, p.get("HUP"));
        assertEquals(SignalPlan.Action.STOP, p.get("TERM"));
        assertEquals(SignalPlan.Action.STOP, p.get("INT"));
        assertEquals(SignalPlan.Action.DATA, p.get("USR1"));
        assertEquals(SignalPlan.Action.STATS, p.get("USR2"));
        assertEquals(SignalPlan.Action.JSON, p.get("RTMIN+2"));
        assertEquals(SignalPlan.Action.STATS, p.get("RTMAX-1"));
    }

    @Test
    void everySignalWhoseDefaultEndsOrStopsTheProcessStopsCleanlyOrIsIgnored() {
        // default action terminate/core/stop (signal(7)), minus those the JVM itself handles or that cannot be caught
        List<String> deadly = List.of("HUP", "INT", "ABRT", "TRAP", "USR1", "USR2", "ALRM", "TERM", "STKFLT", "TSTP",
                "TTIN", "TTOU", "XCPU", "VTALRM", "PROF", "IO", "PWR", "SYS");
        Map<String, SignalPlan.Action> p = byName(SR);
        for (String n : deadly) {
            assertTrue(p.get(n) != SignalPlan.Action.JVM && p.get(n) != SignalPlan.Action.DEFAULT, n + ": " + p.get(n));
        }
        for (int n = SignalPlan.SIGRTMIN; n <= SignalPlan.SIGRTMAX; n++) {
            SignalPlan.Action a = SignalPlan.entry(n, SR).action();
            assertEquals(n == SR, a == SignalPlan.Action.JVM, SignalPlan.name(n) + ": " + a);
        }
    }

    @Test
    void theJvmsSuspendResumeSignalIsLeftToTheJvm() {
        assertEquals(SignalPlan.Action.JVM, byName(12).get("USR2"));
        assertEquals(12, SignalPlan.jvmSuspendResumeSignal(null));
        assertEquals(44, SignalPlan.jvmSuspendResumeSignal("44"));
        assertEquals(12, SignalPlan.jvmSuspendResumeSignal("7"), "HotSpot refuses a number up to SIGSEGV");
        assertEquals(12, SignalPlan.jvmSuspendResumeSignal("x"));
    }

    @Test
    void namesAreKillsNames() {
        assertEquals("RTMIN", SignalPlan.name(34));
        assertEquals("RTMIN+15", SignalPlan.name(49));
        assertEquals("RTMAX-14", SignalPlan.name(50));
        assertEquals("RTMAX", SignalPlan.name(64));
        assertEquals(62, SignalPlan.linux(SR).size(), "1..64 without glibc's 32 and 33");
        assertEquals(SignalPlan.SIGRTMIN + 10, SignalPlan.JVM_SR_SIGNAL);
    }
}
