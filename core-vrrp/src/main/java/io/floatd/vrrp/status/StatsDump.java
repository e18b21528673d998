package io.floatd.vrrp.status;

import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.status.StatusSnapshot.InstanceStatus;
import io.floatd.vrrp.status.StatusSnapshot.ScriptStatus;
import io.floatd.vrrp.takeover.TakeoverOrchestrator;
import java.util.Map;

/**
 * What SIGUSR2 writes (keepalived writes {@code /tmp/keepalived.stats}): per instance the adverts sent and received,
 * the transitions, the notify scripts skipped, the tracked scripts' runs and the floating IP's takeover counters; then
 * the received packets dropped, per reason (every reason, zeros included). The same counters as {@code /metrics} and
 * {@code /status}, which is why none is ever cleared: a Prometheus counter must not go backwards.
 */
public final class StatsDump {
    private StatsDump() {
    }

    public static String render(StatusSnapshot s) {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("------< floatd statistics >------\n");
        sb.append(" Now = ").append(s.now()).append('\n');
        for (InstanceStatus i : s.instances()) {
            sb.append(" VRRP Instance = ").append(i.name()).append('\n');
            sb.append("   State = ").append(i.state().name()).append('\n');
            line(sb, "Adverts sent", i.advertsSent());
            line(sb, "Adverts received", i.advertsReceived());
            line(sb, "Transitions", i.transitions());
            line(sb, "Notify scripts skipped", i.notifySkipped());
            for (ScriptStatus sc : i.scripts()) {
                sb.append("   Script ").append(sc.name()).append(": runs ").append(sc.runs()).append(", failures ")
                        .append(sc.failures()).append(", timeouts ").append(sc.timeouts()).append('\n');
            }
            for (StatusSnapshot.FloatingIpStatus f : i.floatingIps()) {
                TakeoverOrchestrator.Stats t = f.stats();
                sb.append("   Floating IP = ").append(f.address()).append(" (provider ").append(f.provider()).append(")\n");
                line(sb, "Floating IP calls", t.calls());
                line(sb, "Floating IP takeovers", t.acquires());
                line(sb, "Floating IP releases", t.releases());
                line(sb, "Floating IP re-takeovers", t.reacquires());
                line(sb, "Floating IP retries", t.retries());
                line(sb, "Floating IP failures", t.failures());
                line(sb, "Floating IP yields", t.yields());
                line(sb, "Floating IP handovers", t.handovers());
                line(sb, "Floating IP breaker opens", t.breakerOpens());
            }
        }
        long total = s.drops().values().stream().mapToLong(Long::longValue).sum();
        sb.append(" Packets dropped = ").append(total).append('\n');
        for (Map.Entry<DropReason, Long> e : s.drops().entrySet()) {
            line(sb, e.getKey().metricName(), e.getValue());
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, long value) {
        sb.append("   ").append(key).append(" = ").append(value).append('\n');
    }
}
