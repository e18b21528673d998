package io.floatd.vrrp.status;

import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.UnicastPeer;
import io.floatd.vrrp.config.VirtualAddress;
import io.floatd.vrrp.fsm.InstanceState;
import io.floatd.vrrp.runtime.VrrpDaemon;
import io.floatd.vrrp.status.StatusSnapshot.InstanceStatus;
import io.floatd.vrrp.status.StatusSnapshot.ScriptStatus;
import io.floatd.vrrp.status.StatusSnapshot.TrackStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What SIGUSR1 writes (keepalived writes {@code /tmp/keepalived.data}): each instance's state, priorities, the
 * Master it hears, its peers and addresses, its one deadline, its tracking and who holds its floating IP, as indented
 * text a person reads. Built from a {@link StatusSnapshot} and the instances' configuration; it names no password,
 * key or token (the authentication block shows its type only, floating_ip its provider only).
 */
public final class DataDump {
    private DataDump() {
    }

    /** The instance's one timer as this dump tells it: what it is and when it fires, relative to {@code nanoNow}. */
    record Deadline(String reason, Double inMillis) {
    }

    /** The dump of {@code daemon} now. */
    public static String of(VrrpDaemon daemon, String version) {
        long nanoNow = daemon.loop().clock().nanoTime();
        Instant wallNow = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        StatusSnapshot s = StatusSnapshot.of(daemon, version, wallNow, nanoNow);
        List<VrrpDaemon.Instance> instances = daemon.instances();
        StringBuilder sb = new StringBuilder(1024);
        sb.append("------< floatd data dump >------\n");
        sb.append(" Now = ").append(s.now()).append('\n');
        sb.append(" floatd = ").append(s.version()).append(", VRRP loop ").append(s.loopRunning() ? "running" : "NOT running").append('\n');
        sb.append(" Instances = ").append(s.instances().size()).append('\n');
        for (InstanceStatus i : s.instances()) {
            VrrpDaemon.Instance inst = instances.stream().filter(x -> x.config().name().equals(i.name())).findFirst().orElse(null);
            Deadline d = null;
            if (inst != null) {
                InstanceState st = inst.runner().state();
                // the one timer's meaning follows the state (RFC 5798 §6.4): Adver_Timer in MASTER, Master_Down_Timer in BACKUP
                String what = switch (st.state()) {
                    case MASTER -> "next advert";
                    case BACKUP -> st.deadlineReason().isEmpty() ? "master down" : "master down: " + st.deadlineReason();
                    default -> "";
                };
                d = new Deadline(what, st.hasDeadline() ? (st.deadline() - nanoNow) / 1e6 : null);
            }
            instance(sb, i, inst == null ? null : inst.config(), d);
        }
        return sb.toString();
    }

    static void instance(StringBuilder sb, InstanceStatus i, InstanceConfig c, Deadline d) {
        sb.append(" VRRP Instance = ").append(i.name()).append('\n');
        line(sb, "State", i.state() + (i.running() ? "" : " (not running)") + (i.held() ? " (held by floatd handover)" : ""));
        line(sb, "Since", i.since() + String.format(Locale.ROOT, " (%.3f s)", i.sinceSeconds()));
        line(sb, "Effective priority", String.valueOf(i.effectivePriority()));
        line(sb, "Base priority", String.valueOf(i.configuredPriority()));
        line(sb, "Master", i.masterAddress() == null ? "none heard"
                : i.masterAddress() + " priority " + i.masterPriority());
        line(sb, "Last advert received", i.lastAdvertMillisAgo() == null ? "never"
                : String.format(Locale.ROOT, "%.1f ms ago", i.lastAdvertMillisAgo()));
        if (d != null) {
            line(sb, "Deadline", d.inMillis() == null ? "none"
                    : String.format(Locale.ROOT, "in %.1f ms (%s)", Math.max(0, d.inMillis()), d.reason()));
        }
        if (c != null) {
            line(sb, "Interface", c.interfaceName());
            line(sb, "Virtual Router ID", String.valueOf(c.virtualRouterId()));
            line(sb, "VRRP version", String.valueOf(c.version()));
            line(sb, "Advert interval", String.format(Locale.ROOT, "%d ms", c.advertIntervalCentis() * 10));
            line(sb, "Preempt", c.preempt() ? "enabled" + (c.preemptDelay().isZero() ? "" : ", delay " + c.preemptDelay().toMillis() + " ms") : "disabled");
            line(sb, "Source address", c.unicastSrcIp() == null ? "the interface's" : c.unicastSrcIp().getHostAddress());
            for (UnicastPeer p : c.unicastPeers()) {
                line(sb, "Unicast peer", p.address().getHostAddress());
            }
            // the type only: auth_pass and auth_key_file's key are secrets
            line(sb, "Authentication", c.authentication() == null ? "none" : String.valueOf(c.authentication().type()));
            for (VirtualAddress v : c.virtualAddresses()) {
                line(sb, "Virtual IP", v.address().getHostAddress() + "/" + v.prefixLength() + " dev " + v.deviceOr(c.interfaceName()));
            }
        }
        for (ScriptStatus sc : i.scripts()) {
            line(sb, "Tracked script", sc.name() + " weight " + sc.weight() + " "
                    + (sc.healthy() == null ? "not run yet" : sc.healthy() ? "OK" : "FAILED")
                    + " delta " + sc.priorityDelta() + (sc.fault() == null ? "" : " fault: " + sc.fault()));
        }
        for (TrackStatus t : i.tracked()) {
            boolean link = t.kind() == TrackStatus.Kind.INTERFACE;
            String now = link ? (t.up() == null ? "unknown" : t.up() ? "UP" : "DOWN") : "value " + t.value();
            line(sb, link ? "Tracked interface" : "Tracked file", t.name() + " " + now + " weight " + t.weight()
                    + (t.reverse() ? " reverse" : "") + " delta " + t.priorityDelta()
                    + (t.fault() == null ? "" : " fault: " + t.fault()));
        }
        if (i.faultReason() != null) {
            line(sb, "Fault reason", i.faultReason());
        }
        // one section per floating_ip block: the provider and address only, its settings may hold a token file
        // path or credentials
        for (StatusSnapshot.FloatingIpStatus f : i.floatingIps()) {
            line(sb, "Floating IP", f.address() + " (provider " + f.provider() + ")");
            line(sb, "Floating IP provider", f.provider());
            line(sb, "Floating IP holder", f.holder() == null ? "unknown"
                    : f.holder() + (f.holderId() == null ? "" : " " + f.holderId()));
            line(sb, "Floating IP breaker", f.breaker());
            if (f.lastError() != null) {
                line(sb, "Floating IP last error", f.lastError());
            }
        }
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append("   ").append(key).append(" = ").append(value).append('\n');
    }
}
