package io.floatd.testing;

import io.floatd.testing.TakeoverDriver.Outcome;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * The fault tests' figures, one line each on stdout and, when the system property {@code floatd.faults.out} names a
 * file, appended there too: {@code bench/faults.sh} reads them back into its table.
 */
public final class FaultsReport {
    private FaultsReport() {
    }

    /** {@code FAULTS aws throttle n=20 p50=.. p90=.. max=.. held=10 held_p50=.. ... requests=.. writes=.. given=..}. */
    public static void print(String cloud, String mix, double fraction, List<Outcome> fromPeer, List<Outcome> held,
            Map<FaultMix.Fault, Integer> given) {
        double[] t = TakeoverDriver.percentiles(fromPeer);
        double[] h = TakeoverDriver.percentiles(held);
        line(String.format(java.util.Locale.ROOT, "FAULTS %s %s fraction=%.2f n=%d p50=%.0f p90=%.0f max=%.0f"
                        + " held=%d held_p50=%.0f held_p90=%.0f held_max=%.0f requests=%d writes=%d held_writes=%d given=%s",
                cloud, mix, fraction, fromPeer.size(), t[0], t[1], t[2], held.size(), h[0], h[1], h[2],
                fromPeer.stream().mapToInt(Outcome::requests).sum() + held.stream().mapToInt(Outcome::requests).sum(),
                fromPeer.stream().mapToInt(Outcome::writes).sum(), held.stream().mapToInt(Outcome::writes).sum(),
                given.toString().replace(" ", "")));
    }

    /** {@code FAULTS-OUTAGE aws total_ms=.. after_return_ms=.. requests_while_down=.. breaker_opens=.. not_permitted=..}. */
    public static void outage(String cloud, Outcome o, double afterReturnMs, int requestsWhileDown,
            TakeoverOrchestrator.Stats stats) {
        line(String.format(java.util.Locale.ROOT, "FAULTS-OUTAGE %s completed=%s total_ms=%.0f after_return_ms=%.0f"
                        + " requests_while_down=%d breaker_opens=%d not_permitted=%d", cloud, o.completed(), o.millis(),
                afterReturnMs, requestsWhileDown, stats.breakerOpens(), stats.callsNotPermitted()));
    }

    private static synchronized void line(String s) {
        System.out.println(s);
        String out = System.getProperty("floatd.faults.out");
        if (out != null && !out.isBlank()) {
            try {
                Files.writeString(Path.of(out), s + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
