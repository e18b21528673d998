package io.floatd.vrrp.config;

import io.floatd.vrrp.script.ScriptEnv;
import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects a {@code vrrp_instance}'s settings for an {@link InstanceConfig} ({@link InstanceConfig#builder}); each
 * setter rejects a bad value at once, {@link #build()} the bad mixes. The fields are the package's so that the
 * immutable {@link InstanceConfig} copies them.
 */
public final class InstanceConfigBuilder {
    final String name;
    String file;
    int line;
    SourceLine interfaceLine;
    final java.util.Map<String, SourceLine> trackInterfaceLines = new java.util.HashMap<>();
    final java.util.Map<String, SourceLine> deviceLines = new java.util.HashMap<>();
    InitialState initialState = InitialState.BACKUP;
    String interfaceName;
    int virtualRouterId;
    int priority = InstanceConfig.DEFAULT_PRIORITY;
    int version = GlobalDefs.DEFAULT_VRRP_VERSION;
    int advertIntervalCentis = InstanceConfig.DEFAULT_ADVERT_INTERVAL_CENTIS;
    boolean preempt = true;
    Duration preemptDelay = Duration.ZERO;
    InetAddress unicastSrcIp;
    final List<UnicastPeer> unicastPeers = new ArrayList<>();
    Authentication authentication;
    final List<VirtualAddress> virtualAddresses = new ArrayList<>();
    final List<VirtualAddress> excludedAddresses = new ArrayList<>();
    final List<VirtualRoute> virtualRoutes = new ArrayList<>();
    final List<VirtualRule> virtualRules = new ArrayList<>();
    boolean notifyPriorityChanges;
    NotifyScripts notify = NotifyScripts.NONE;
    ScriptEnv scriptEnv = ScriptEnv.NONE;
    final List<FloatingIpSettings> floatingIps = new ArrayList<>();
    final List<TrackedScript> trackScripts = new ArrayList<>();
    final List<TrackedInterface> trackInterfaces = new ArrayList<>();
    final List<TrackedFile> trackFiles = new ArrayList<>();
    final List<TrackedProcess> trackProcesses = new ArrayList<>();
    GarpSettings garp = GarpSettings.DEFAULTS;
    java.nio.file.Path stateFile;
    TransportSettings transport = TransportSettings.protocol112();
    MulticastSettings multicast = MulticastSettings.DEFAULT;

    InstanceConfigBuilder(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("vrrp_instance name must not be empty");
        }
        this.name = name;
    }

    public InstanceConfigBuilder source(String file, int line) {
        this.file = file;
        this.line = line;
        return this;
    }

    public InstanceConfigBuilder initialState(InitialState initialState) {
        this.initialState = Objects.requireNonNull(initialState, "initialState");
        return this;
    }

    public InstanceConfigBuilder interfaceName(String interfaceName) {
        if (interfaceName == null || interfaceName.isBlank()) {
            throw new IllegalArgumentException("interface must not be empty");
        }
        this.interfaceName = interfaceName;
        return this;
    }

    /** Where {@code interface} was written (for the host check's file:line). */
    public InstanceConfigBuilder interfaceLine(SourceLine where) {
        this.interfaceLine = where;
        return this;
    }

    /** Where the {@code track_interface} entry {@code name} was written (for the host check's file:line). */
    public InstanceConfigBuilder trackInterfaceLine(String name, SourceLine where) {
        trackInterfaceLines.putIfAbsent(name, Objects.requireNonNull(where, "where"));
        return this;
    }

    /** Where a {@code virtual_ipaddress} entry named {@code dev device} (the first such line is kept). */
    public InstanceConfigBuilder deviceLine(String device, SourceLine where) {
        deviceLines.putIfAbsent(device, Objects.requireNonNull(where, "where"));
        return this;
    }

    public InstanceConfigBuilder virtualRouterId(int virtualRouterId) {
        if (virtualRouterId < 1 || virtualRouterId > 255) {
            throw new IllegalArgumentException("virtual_router_id must be between 1 and 255, but was " + virtualRouterId);
        }
        this.virtualRouterId = virtualRouterId;
        return this;
    }

    public InstanceConfigBuilder priority(int priority) {
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException("priority must be between 1 and 255, but was " + priority);
        }
        this.priority = priority;
        return this;
    }

    public InstanceConfigBuilder version(int version) {
        InstanceRules.checkVersion("version", version);
        this.version = version;
        return this;
    }

    /** Checked against the version by {@link #build()}, since either may be set first. */
    public InstanceConfigBuilder advertIntervalCentis(int centis) {
        if (centis < 1 || centis > 255_00) {
            throw new IllegalArgumentException("advert_int must be between 0.01 and 255 seconds, but was " + InstanceRules.seconds(centis));
        }
        this.advertIntervalCentis = centis;
        return this;
    }

    public InstanceConfigBuilder preempt(boolean preempt) {
        this.preempt = preempt;
        return this;
    }

    public InstanceConfigBuilder preemptDelay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.compareTo(InstanceConfig.MAX_PREEMPT_DELAY) > 0) {
            throw new IllegalArgumentException("preempt_delay must be between 0 and 1000 seconds, but was " + InstanceRules.seconds(delay));
        }
        this.preemptDelay = delay;
        return this;
    }

    public InstanceConfigBuilder unicastSrcIp(InetAddress address) {
        this.unicastSrcIp = address;
        return this;
    }

    public InstanceConfigBuilder addUnicastPeer(UnicastPeer peer) {
        Objects.requireNonNull(peer, "peer");
        if (unicastPeers.stream().anyMatch(p -> p.address().equals(peer.address()))) {
            throw new IllegalArgumentException("unicast_peer " + Addresses.format(peer.address()) + " is listed twice");
        }
        unicastPeers.add(peer);
        return this;
    }

    public InstanceConfigBuilder unicastPeers(List<UnicastPeer> peers) {
        unicastPeers.clear();
        peers.forEach(this::addUnicastPeer);
        return this;
    }

    public InstanceConfigBuilder authentication(Authentication authentication) {
        this.authentication = authentication;
        return this;
    }

    public InstanceConfigBuilder addVirtualAddress(VirtualAddress address) {
        Objects.requireNonNull(address, "address");
        if (virtualAddresses.stream().anyMatch(a -> a.address().equals(address.address()))) {
            throw new IllegalArgumentException("virtual_ipaddress " + Addresses.format(address.address()) + " is listed twice");
        }
        virtualAddresses.add(address);
        return this;
    }

    /** A {@code virtual_ipaddress_excluded} entry; an address may be listed once among both lists. */
    public InstanceConfigBuilder addExcludedAddress(VirtualAddress address) {
        Objects.requireNonNull(address, "address");
        if (virtualAddresses.stream().anyMatch(a -> a.address().equals(address.address()))
                || excludedAddresses.stream().anyMatch(a -> a.address().equals(address.address()))) {
            throw new IllegalArgumentException("virtual_ipaddress_excluded " + Addresses.format(address.address())
                    + " is listed twice");
        }
        excludedAddresses.add(address);
        return this;
    }

    /** A {@code virtual_routes} entry. */
    public InstanceConfigBuilder addVirtualRoute(VirtualRoute route) {
        virtualRoutes.add(Objects.requireNonNull(route, "route"));
        return this;
    }

    /** A {@code virtual_rules} entry. */
    public InstanceConfigBuilder addVirtualRule(VirtualRule rule) {
        virtualRules.add(Objects.requireNonNull(rule, "rule"));
        return this;
    }

    public InstanceConfigBuilder notifyPriorityChanges(boolean notifyPriorityChanges) {
        this.notifyPriorityChanges = notifyPriorityChanges;
        return this;
    }

    public InstanceConfigBuilder removeVirtualAddress(InetAddress address) {
        virtualAddresses.removeIf(a -> a.address().equals(address));
        return this;
    }

    public InstanceConfigBuilder virtualAddresses(List<VirtualAddress> addresses) {
        virtualAddresses.clear();
        addresses.forEach(this::addVirtualAddress);
        return this;
    }

    public InstanceConfigBuilder notifyScripts(NotifyScripts notify) {
        this.notify = Objects.requireNonNull(notify, "notify");
        return this;
    }

    /** Replaces the {@code floating_ip} blocks. */
    public InstanceConfigBuilder floatingIps(List<FloatingIpSettings> blocks) {
        this.floatingIps.clear();
        blocks.forEach(this::addFloatingIp);
        return this;
    }

    /** The blocks added so far (the parser checks a new one against them). */
    List<FloatingIpSettings> floatingIps() {
        return List.copyOf(floatingIps);
    }

    /** One more {@code floating_ip} block, after those added before. */
    public InstanceConfigBuilder addFloatingIp(FloatingIpSettings block) {
        this.floatingIps.add(Objects.requireNonNull(block, "block"));
        return this;
    }

    public InstanceConfigBuilder addTrackScript(TrackedScript tracked) {
        Objects.requireNonNull(tracked, "tracked");
        if (trackScripts.stream().anyMatch(t -> t.name().equals(tracked.name()))) {
            throw new IllegalArgumentException("track_script " + tracked.name() + " is listed twice");
        }
        trackScripts.add(tracked);
        return this;
    }

    public InstanceConfigBuilder addTrackInterface(TrackedInterface tracked) {
        Objects.requireNonNull(tracked, "tracked");
        if (trackInterfaces.stream().anyMatch(t -> t.name().equals(tracked.name()))) {
            throw new IllegalArgumentException("track_interface " + tracked.name() + " is listed twice");
        }
        trackInterfaces.add(tracked);
        return this;
    }

    public InstanceConfigBuilder addTrackFile(TrackedFile tracked) {
        Objects.requireNonNull(tracked, "tracked");
        if (trackFiles.stream().anyMatch(t -> t.name().equals(tracked.name()))) {
            throw new IllegalArgumentException("track_file " + tracked.name() + " is listed twice");
        }
        trackFiles.add(tracked);

        return this;
    }

    public InstanceConfigBuilder addTrackProcess(TrackedProcess tracked) {
        Objects.requireNonNull(tracked, "tracked");
        if (trackProcesses.stream().anyMatch(t -> t.name().equals(tracked.name()))) {
            throw new IllegalArgumentException("track_process " + tracked.name() + " is listed twice");
        }
        trackProcesses.add(tracked);
        return this;
    }

    /**
     * Lets keepalived's sync group rule rewrite the tracking added so far (a member of a group without
     * sync_group_tracking_weight has weighted entries dropped or set to weight 0: {@link SyncGroupMemberWeights}).
     */
    InstanceConfigBuilder editTracking(java.util.function.Consumer<List<TrackedInterface>> interfaces,
            java.util.function.Consumer<List<TrackedScript>> scripts, java.util.function.Consumer<List<TrackedFile>> files) {
        interfaces.accept(trackInterfaces);
        scripts.accept(trackScripts);
        files.accept(trackFiles);
        return this;
    }

    /** The track_process entry for {@code name} added so far, if any (a sync group's entry then adjusts it). */
    public java.util.Optional<TrackedProcess> trackProcess(String name) {
        return trackProcesses.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Replaces the track_process entry of the same name, keeping its place. */
    public InstanceConfigBuilder replaceTrackProcess(TrackedProcess tracked) {
        Objects.requireNonNull(tracked, "tracked");
        trackProcesses.replaceAll(t -> t.name().equals(tracked.name()) ? tracked : t);
        return this;
    }

    public InstanceConfigBuilder scriptEnv(ScriptEnv env) {
        this.scriptEnv = Objects.requireNonNull(env, "env");
        return this;
    }

    public InstanceConfigBuilder garp(GarpSettings garp) {
        this.garp = Objects.requireNonNull(garp, "garp");
        return this;
    }

    public InstanceConfigBuilder transport(TransportSettings transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
        return this;
    }

    public InstanceConfigBuilder multicast(MulticastSettings multicast) {
        this.multicast = Objects.requireNonNull(multicast, "multicast");
        return this;
    }

    public InstanceConfigBuilder stateFile(java.nio.file.Path stateFile) {
        this.stateFile = stateFile;
        return this;
    }

    /** Everything that keeps {@link #build()} from succeeding; empty when it will. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (interfaceName == null) {
            problems.add("interface is required");
        }
        if (virtualRouterId == 0) {
            problems.add("virtual_router_id is required");
        }
        if (unicastPeers.isEmpty() && transport.udp()) {
            problems.add(InstanceConfig.NO_PEER);
        }
        InstanceRules.advertIntervalProblem(BigDecimal.valueOf(advertIntervalCentis, 2), version).ifPresent(problems::add);
        if (authentication != null) {
            InstanceRules.authenticationProblem(version).ifPresent(problems::add);
        }
        InetAddress firstPeer = unicastPeers.isEmpty() ? null : unicastPeers.getFirst().address();
        unicastPeers.forEach(p -> InstanceRules.familyProblem("unicast_peer", p.address(), unicastSrcIp, firstPeer).ifPresent(problems::add));
        virtualAddresses.forEach(a -> InstanceRules.familyProblem("virtual_ipaddress", a.address(), unicastSrcIp, firstPeer).ifPresent(problems::add));
        InetAddress reference = InstanceRules.familyReference(unicastSrcIp, unicastPeers, multicast.group(), virtualAddresses);
        if (unicastPeers.isEmpty() && multicast.group() != null && reference != multicast.group()
                && !InstanceRules.family(reference).equals(InstanceRules.family(multicast.group()))) {
            problems.add("mcast_dst_ip " + Addresses.format(multicast.group()) + " is " + InstanceRules.family(multicast.group())
                    + ", but the instance is " + InstanceRules.family(reference));
        }
        InstanceRules.ipv6VersionProblem(reference instanceof Inet6Address, version).ifPresent(problems::add);
        return problems;
    }

    /** @throws IllegalStateException listing every {@linkplain #problems() problem} */
    public InstanceConfig build() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("vrrp_instance " + name + ": " + String.join("; ", problems));
        }
        return new InstanceConfig(this);
    }
}
