package io.floatd.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What floatd does on each Linux signal, as one table (README "Signals"), with keepalived 2.2.7 as the guide:
 * HUP reloads, TERM and INT stop, USR1 writes the data dump, USR2 the statistics, SIGRTMIN+2 (keepalived's SIGJSON)
 * the JSON dump and SIGRTMAX-1 (keepalived's SIGSTATS_CLEAR) the statistics. Every other signal whose default action
 * would end the JVM, or stop it (a stopped Master sends nothing while its VIP stays: two holders once the peer takes
 * over), either stops floatd cleanly (priority-0 advert, VIPs removed) or is ignored with a log line:
 * <ul>
 * <li>stop: the signals that ask a process to end: ABRT, XCPU (the CPU limit's warning; SIGKILL follows at the hard
 * limit), PWR (power failure, and LXC's stop signal for a container's init);</li>
 * <li>ignored: those that report an event floatd never asked for (ALRM, VTALRM, PROF, IO, STKFLT, TRAP, SYS), job
 * control (TSTP, TTIN, TTOU: a daemon has no terminal) and every other real-time signal.</li>
 * </ul>
 * Left to the JVM: QUIT (a thread dump on stdout, floatd runs on), PIPE and XFSZ (the JVM ignores them: the write
 * fails instead), ILL, FPE, SEGV and BUS (the JVM's own fault handlers: a fault sent with kill ends it as a crash
 * does, like SIGKILL; the restarted floatd starts as Backup), the JVM's suspend/resume signal (SIGUSR2 unless
 * {@code _JAVA_SR_SIGNUM} moves it; {@code bin/floatd} and the packaged launcher move it to {@link #JVM_SR_SIGNAL}).
 * KILL and STOP cannot be caught; CHLD, CONT, URG and WINCH change nothing by default.
 *
 * <p>Numbers are Linux's (x86-64 and aarch64 share them); glibc keeps 32 and 33 for itself, so SIGRTMIN is 34.
 */
final class SignalPlan {
    enum Action {
        /** Priority-0 advert, VIPs removed, exit 0. */
        STOP,
        RELOAD,
        /** The data dump (keepalived: /tmp/keepalived.data). */
        DATA,
        /** The statistics (keepalived: /tmp/keepalived.stats). */
        STATS,
        /** The /status JSON (keepalived: /tmp/keepalived.json). */
        JSON,
        /** Logged and otherwise ignored. */
        IGNORE,
        /** The JVM's own handling, not changed by floatd. */
        JVM,
        /** The kernel's default, which neither ends nor stops the process (or cannot be caught). */
        DEFAULT
    }

    record Entry(int number, String name, Action action, String why) {
        /** {@code SIGUSR1}, {@code SIGRTMIN+2}. */
        String signalName() {
            return "SIG" + name;
        }
    }

    static final int SIGRTMIN = 34;
    static final int SIGRTMAX = 64;
    /** keepalived's SIGJSON. */
    static final int KEEPALIVED_JSON = SIGRTMIN + 2;
    /** keepalived's SIGSTATS_CLEAR. */
    static final int KEEPALIVED_STATS_CLEAR = SIGRTMAX - 1;
    /** keepalived's SIGTDUMP (thread dump to the log in debugging builds). */
    static final int KEEPALIVED_TDUMP = SIGRTMAX;
    /**
     * The signal the launchers give the JVM for thread suspend/resume ({@code _JAVA_SR_SIGNUM}), so SIGUSR2 is free
     * for the statistics: a real-time signal keepalived does not use.
     */
    static final int JVM_SR_SIGNAL = SIGRTMIN + 10;

    private static final String[] NAMES = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
            "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
            "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};

    private SignalPlan() {
    }

    /** The name {@code kill -l} gives number {@code n} (1..31, 34..64), without {@code SIG}. */
    static String name(int n) {
        if (n >= 1 && n < NAMES.length) {
            return NAMES[n];
        }
        if (n >= SIGRTMIN && n <= SIGRTMAX) {
            int fromMin = n - SIGRTMIN;
            int fromMax = SIGRTMAX - n;
            return fromMin == 0 ? "RTMIN" : fromMax == 0 ? "RTMAX"
                    : fromMin <= 15 ? "RTMIN+" + fromMin : "RTMAX-" + fromMax;
        }
        throw new IllegalArgumentException("no signal " + n);
    }

    /** The JVM's suspend/resume signal in this process: {@code _JAVA_SR_SIGNUM} when valid, else SIGUSR2. */
    static int jvmSuspendResumeSignal(String env) {
        if (env != null) {
            try {
                int n = Integer.parseInt(env.strip());
                // HotSpot's own rule: above SIGSEGV and SIGBUS, below NSIG
                if (n > 11 && n <= SIGRTMAX) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // HotSpot ignores it too
            }
        }
        return 12;
    }

    /** Every signal 1..64 but 32 and 33, with what floatd does on it when the JVM suspends threads with {@code srSignal}. */
    static List<Entry> linux(int srSignal) {
        List<Entry> out = new ArrayList<>();
        for (int n = 1; n <= SIGRTMAX; n++) {
            if (n == 32 || n == 33) {
                continue;
            }
            out.add(entry(n, srSignal));
        }
        return List.copyOf(out);
    }

    static Entry entry(int n, int srSignal) {
        String name = name(n);
        if (n == srSignal) {
            return new Entry(n, name, Action.JVM, "the JVM's thread suspend/resume signal (_JAVA_SR_SIGNUM)");
        }
        return switch (n) {
            case 1 -> new Entry(n, name, Action.RELOAD, "keepalived: reload");
            case 2, 15 -> new Entry(n, name, Action.STOP, "keepalived: stop");
            case 10 -> new Entry(n, name, Action.DATA, "keepalived: write /tmp/keepalived.data");
            case 12 -> new Entry(n, name, Action.STATS, "keepalived: write /tmp/keepalived.stats");
            case KEEPALIVED_JSON -> new Entry(n, name, Action.JSON, "keepalived's SIGJSON: write /tmp/keepalived.json");
            case KEEPALIVED_STATS_CLEAR -> new Entry(n, name, Action.STATS,
                    "keepalived's SIGSTATS_CLEAR: the statistics, not cleared (Prometheus counters never go back)");
            case 6 -> new Entry(n, name, Action.STOP, "asks the process to end (the JVM's own aborts still abort)");
            case 24 -> new Entry(n, name, Action.STOP, "the CPU time limit: SIGKILL follows at the hard limit");
            case 30 -> new Entry(n, name, Action.STOP, "power failure; LXC stops a container's init with it");
            case 5, 14, 16, 26, 27, 29, 31 -> new Entry(n, name, Action.IGNORE, "reports an event floatd never asked for");
            case 20, 21, 22 -> new Entry(n, name, Action.IGNORE,
                    "job control: a stopped Master would keep its VIP while the peer takes over");
            case 3 -> new Entry(n, name, Action.JVM, "the JVM prints a thread dump on stdout; floatd runs on");
            case 13, 25 -> new Entry(n, name, Action.JVM, "the JVM ignores it: the write fails instead");
            case 4, 7, 8, 11 -> new Entry(n, name, Action.JVM, "the JVM's fault handler: a crash, as SIGKILL");
            case 9, 19 -> new Entry(n, name, Action.DEFAULT, "cannot be caught");
            case 17, 18, 23, 28 -> new Entry(n, name, Action.DEFAULT, "ends nothing and stops nothing");
            case KEEPALIVED_TDUMP -> new Entry(n, name, Action.IGNORE,
                    "keepalived's SIGTDUMP; floatd's thread dump is SIGQUIT's");
            default -> new Entry(n, name, Action.IGNORE, "a real-time signal floatd does not use");
        };
    }

    /**
     * {@code --signum=SIGFUNC}: the number keepalived's {@code --signum} prints for STOP, RELOAD, DATA, STATS,
     * STATS_CLEAR and JSON (the same numbers here), or empty for another name.
     */
    static Optional<Integer> signum(String sigfunc) {
        return switch (sigfunc.toUpperCase(Locale.ROOT)) {
            case "STOP" -> Optional.of(15);
            case "RELOAD" -> Optional.of(1);
            case "DATA" -> Optional.of(10);
            case "STATS" -> Optional.of(12);
            case "STATS_CLEAR" -> Optional.of(KEEPALIVED_STATS_CLEAR);
            case "JSON" -> Optional.of(KEEPALIVED_JSON);
            default -> Optional.empty();
        };
    }
}
