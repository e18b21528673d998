package io.floatd.vrrp.config;

import io.floatd.vrrp.config.Syntax.Statement;
import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An instance being read. The builder takes what each line says; what depends on several lines (the version
 * against advert_int, address families) is checked once the whole file is read, against the right line.
 */
final class InstanceScope extends Scope {
    final String name;
    final int line;
    final InstanceConfigBuilder builder;
    InitialState state = InitialState.BACKUP;
    /** What the state lines said; {@code null} without one (keepalived then derives it from the priority). */
    InitialState givenState;
    String interfaceName;
    /** When the block was read, against {@link ConfigParser#scriptOrder}. */
    int order;
    final List<Located<TrackedInterface>> interfaceRefs = new ArrayList<>();
    /** {@code strict_mode}; {@code null}: global_defs' {@code vrrp_strict}. */
    Located<Boolean> strictMode;
    boolean strict;
    int stateLine;
    int preemptDelayLine;
    boolean preempt = true;
    Duration preemptDelay = Duration.ZERO;
    Located<Integer> version;
    Located<BigDecimal> advertInt;
    int authLine;
    int ahLine;
    int peerBlockLine;
    int peerErrors;
    int transportLine;
    int unicastSrcLine;
    int srcLine;
    Located<InetAddress> mcastDst;
    boolean skipCheckAdvAddr;
    InetAddress srcIp;
    NotifyScripts notify = NotifyScripts.NONE;
    final EnvDraft env = new EnvDraft();
    /** The notify lines in effect, by keyword, where each is written. */
    final Map<String, Located<String>> notifyUses = new LinkedHashMap<>();
    GarpSettings.Override garp = GarpSettings.Override.NONE;
    final List<Located<InetAddress>> peers = new ArrayList<>();
    final List<Located<InetAddress>> virtualAddresses = new ArrayList<>();
    final List<TrackRef> scriptRefs = new ArrayList<>();
    final List<TrackRef> fileRefs = new ArrayList<>();
    final List<TrackRef> processRefs = new ArrayList<>();
    boolean weighted;
    int priority = InstanceConfig.DEFAULT_PRIORITY;
    /** {@code notify_priority_changes}; {@code null}: global_defs' {@code vrrp_notify_priority_changes}. */
    Boolean notifyPriorityChanges;

    InstanceScope(ConfigParser parser, String name, int line) {
        super(parser, "vrrp_instance " + name + ": ");
        this.name = name;
        this.line = line;
        this.builder = InstanceConfig.builder(name).source(parser.sources.file(line), Sources.line(line));
    }

    /**
     * What keepalived derives once the block is read (keepalived/vrrp/vrrp.c vrrp_complete_instance): a missing
     * priority from the state (MASTER: 255), a missing state from the priority, and the tracked interfaces
     * without the instance's own ("Ignoring track_interface X since own interface": it is tracked anyway).
     */
    void complete() {
        if (!seen.contains("priority")) {
            builder.priority(priority = InstanceWords.defaultPriority(givenState));
        }
        if (givenState == null) {
            builder.initialState(state = InstanceWords.defaultState(priority));
        }
        for (Located<TrackedInterface> t : interfaceRefs) {
            if (t.value().name().equals(interfaceName)) {
                // keepalived drops the entry but tracks its own interface anyway, weight 0, unless
                // dont_track_primary; floatd does not track its own interface by itself, so it keeps that
                boolean dont = seen.contains("dont_track_primary");
                warn(t.line(), "track_interface " + interfaceName + " is the instance's own interface: its weight"
                        + " and reverse are ignored, as keepalived ignores the entry (\"since own interface\");"
                        + (dont ? " with dont_track_primary its link is not tracked"
                        : " its link going down puts the instance in FAULT, as keepalived's own interface does"));
                if (!dont) {
                    builder.addTrackInterface(new TrackedInterface(interfaceName, 0, false));
                    builder.trackInterfaceLine(interfaceName, parser.where(t.line()));
                }
                continue;
            }
            builder.addTrackInterface(t.value());
            builder.trackInterfaceLine(t.value().name(), parser.where(t.line()));
            weighted |= t.value().weight() != 0;
        }
    }

    /** keepalived's strict mode rules that change what the instance runs ({@link StrictMode}). */
    void applyStrict(boolean global) {
        strict = strictMode != null ? strictMode.value() : global;
        if (!strict) {
            return;
        }
        InitialState written = state;
        StrictMode.state(state, priority).ifPresent(now -> {
            warn(seen.contains("state") ? stateLine : line, StrictMode.stateMessage(written, priority, now));
            builder.initialState(state = now);
        });
        if (authLine > 0) {
            warn(authLine, StrictMode.AUTHENTICATION);
            builder.authentication(null);
            authLine = 0;
            ahLine = 0;
        }
        if (!preemptDelay.isZero()) {
            warn(preemptDelayLine, StrictMode.PREEMPT_DELAY);
            builder.preemptDelay(preemptDelay = Duration.ZERO);
        }
    }

    String notifyScript(Statement s) {
        String script = Values.script(s);
        ScriptUser user = ScriptUser.of(ScriptWords.of(s));
        String keyword = s.keyword();
        int at = s.line();
        notifyUses.put(keyword, new Located<>(script, at));
        if (user != null) {
            notifyUsers.put(keyword, user);
            // a user that does not exist drops the script; if this line is still the keyword's last, it is unset
            parser.ask(new HostQuestion.NotifyUser(this, at, keyword, script, user, () -> true, () -> { }, () -> {
                Located<String> last = notifyUses.get(keyword);
                if (last != null && last.line() == at) {
                    notifyUses.remove(keyword);
                    notifyUsers.remove(keyword);
                    notify = notify.with(keyword, null);
                }
            }));
        } else {
            notifyUsers.remove(keyword);
        }
        return script;
    }

    /** The users the notify scripts name after their command lines, by keyword. */
    final Map<String, ScriptUser> notifyUsers = new LinkedHashMap<>();

    /** A multicast instance's family without a source address: mcast_dst_ip, else its first virtual address. */
    private InetAddress multicastReference() {
        if (!peers.isEmpty()) {
            return null;
        }
        return mcastDst != null ? mcastDst.value() : virtualAddresses.isEmpty() ? null : virtualAddresses.getFirst().value();
    }

    /**
     * keepalived 2.2.7 takes a multicast instance's family from the first of the source address, mcast_dst_ip and
     * the virtual addresses it reads, and skips (with a message, running on) any later one of the other family:
     * floatd does the same, with a warning at each skipped line.
     */
    private void multicast(GlobalDefs global) {
        List<Located<InetAddress>> candidates = new ArrayList<>();
        if (srcIp != null) {
            candidates.add(new Located<>(srcIp, srcLine));
        }
        if (mcastDst != null) {
            candidates.add(mcastDst);
        }
        if (!virtualAddresses.isEmpty()) {
            candidates.add(virtualAddresses.getFirst());
        }
        Located<InetAddress> first = candidates.stream().min(Comparator.comparingInt(Located::line)).orElse(null);
        boolean ipv6 = first != null && first.value() instanceof Inet6Address;
        String from = first == null ? "" : " (from line " + Sources.line(first.line()) + ")";
        if (srcIp != null && (srcIp instanceof Inet6Address) != ipv6) {
            warn(srcLine, MulticastConfig.otherFamily("source address", srcIp, ipv6, from));
            srcIp = null;
            builder.unicastSrcIp(null);
        }
        if (mcastDst != null && (mcastDst.value() instanceof Inet6Address) != ipv6) {
            warn(mcastDst.line(), MulticastConfig.otherFamily("mcast_dst_ip", mcastDst.value(), ipv6, from));
            mcastDst = null;
        }
        for (var it = virtualAddresses.iterator(); it.hasNext(); ) {
            Located<InetAddress> a = it.next();
            if ((a.value() instanceof Inet6Address) != ipv6) {
                warn(a.line(), MulticastConfig.otherFamily("virtual_ipaddress", a.value(), ipv6, from));
                builder.removeVirtualAddress(a.value());
                it.remove();
            }
        }
        InetAddress group = mcastDst != null ? mcastDst.value()
                : ipv6 ? parser.global.mcastGroup6 : parser.global.mcastGroup4;
        builder.multicast(new MulticastSettings(group, skipCheckAdvAddr || parser.global.skipCheckAdvAddr));
    }

    /** Checks what depends on several lines and on global_defs, then builds the instance; empty after any error. */
    Optional<InstanceConfig> finish(GlobalDefs global) {
        if (!seen.contains("interface")) {
            error(line, "interface is required");
        }
        if (!seen.contains("virtual_router_id")) {
            error(line, "virtual_router_id is required");
        }
        int effectiveVersion = addressesAndVersion(global);
        versionRules(effectiveVersion);
        builder.notifyPriorityChanges(notifyPriorityChanges != null ? notifyPriorityChanges : global.notifyPriorityChanges());
        if (ahLine > 0 && effectiveVersion == 2) {
            AhRules.transportProblem(seen.contains("transport")).ifPresent(message -> error(ahLine, message));
            if (AhRules.clearsInitialMaster(state, seen.contains("priority") ? priority : null)) {
                warn(ahLine, AhRules.INITIAL_MASTER);
                builder.initialState(state = InitialState.BACKUP);
            }
        }
        notifyUsers.forEach((keyword, user) -> notify = notify.withUser(keyword, user));
        builder.notifyScripts(notify);
        builder.scriptEnv(env.build().over(global.scriptEnv()));
        builder.garp(garp.over(global.garp()));
        if (state == InitialState.MASTER && (!preempt || !preemptDelay.isZero())) {
            warn(line, (preempt ? "preempt_delay" : "nopreempt") + " has no effect with state MASTER; keepalived needs state BACKUP for it");
        }
        if (errors > 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(builder.build());
        } catch (IllegalStateException e) {
            parser.error(line, e.getMessage());
            return Optional.empty();
        }
    }

    /** Unicast or multicast, the address families against each other, and the VRRP version they lead to. */
    private int addressesAndVersion(GlobalDefs global) {
        // a peer line already reported as wrong says enough; without peers, VRRP runs over multicast
        if (peers.isEmpty() && peerErrors == 0 && transportLine > 0) {
            error(transportLine, InstanceConfig.NO_PEER);
        } else if (peers.isEmpty() && peerErrors == 0 && (peerBlockLine > 0 || unicastSrcLine > 0)) {
            // keepalived 2.2.7 falls back to multicast and calls it deprecated: the daemon runs it
            warn(peerBlockLine > 0 ? peerBlockLine : unicastSrcLine, MulticastConfig.UNICAST_WITHOUT_PEERS);
        }
        InetAddress firstPeer = peers.isEmpty() ? null : peers.getFirst().value();
        if (peers.isEmpty() && peerErrors == 0) {
            multicast(global);
        }
        peers.forEach(p -> InstanceRules.familyProblem("unicast_peer", p.value(), srcIp, firstPeer)
                .ifPresent(message -> error(p.line(), message)));
        virtualAddresses.forEach(a -> InstanceRules.familyProblem("virtual_ipaddress", a.value(), srcIp, firstPeer)
                .ifPresent(message -> error(a.line(), message)));
        InetAddress reference = srcIp != null ? srcIp : firstPeer != null ? firstPeer : multicastReference();
        boolean ipv6 = reference instanceof Inet6Address;
        // keepalived runs IPv6 instances as version 3 whatever vrrp_version says
        int effectiveVersion = version != null ? version.value() : ipv6 ? 3 : global.vrrpVersion();
        if (version != null) {
            InstanceRules.ipv6VersionProblem(ipv6, effectiveVersion).ifPresent(message -> error(version.line(), message));
        }
        builder.version(effectiveVersion);
        return effectiveVersion;
    }

    /** What the version decides: whether no virtual address is allowed, the advert interval, authentication. */
    private void versionRules(int effectiveVersion) {
        // an instance already refused for a wrong address line says enough
        if (errors == 0 && virtualAddresses.isEmpty() && !seen.contains("floating_ip")) {
            if (NoVip.refused(effectiveVersion, strict)) {
                error(line, NoVip.message(effectiveVersion, strict));
            } else {
                warn(line, NoVip.message(effectiveVersion, strict));
            }
        }
        if (advertInt != null) {
            InstanceRules.advertIntervalProblem(advertInt.value(), effectiveVersion).ifPresentOrElse(
                    message -> error(advertInt.line(), message),
                    () -> builder.advertIntervalCentis(advertInt.value().movePointRight(2).intValueExact()));
        }
        if (authLine > 0 && effectiveVersion == 3) {
            // keepalived 2.2.7 logs "VRRP version 3 does not support authentication. Ignoring." and runs without
            warn(authLine, "authentication is ignored: VRRP version 3 has none (RFC 5798), as keepalived ignores it");
            builder.authentication(null);
        }
    }
}
