package io.floatd.vrrp.config;

import io.floatd.vrrp.script.ScriptEnv;
import java.math.BigDecimal;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code vrrp_instance}: a virtual router this node takes part in.
 *
 * <p>Equality compares the configuration, not {@link #file()}/{@link #line()}: a reload must not restart an
 * instance because an edit above it shifted its lines. {@link #toString()} masks the password.
 */
public final class InstanceConfig {
    public static final int DEFAULT_PRIORITY = 100;
    public static final int DEFAULT_ADVERT_INTERVAL_CENTIS = 100;
    public static final Duration MAX_PREEMPT_DELAY = Duration.ofSeconds(1000);

    private final String name;
    private final String file;
    private final int line;
    private final InitialState initialState;
    private final String interfaceName;
    private final int virtualRouterId;
    private final int priority;
    private final int version;
    private final int advertIntervalCentis;
    private final boolean preempt;
    private final Duration preemptDelay;
    private final InetAddress unicastSrcIp;
    private final List<UnicastPeer> unicastPeers;
    private final Authentication authentication;
    private final List<VirtualAddress> virtualAddresses;
    private final List<VirtualAddress> excludedAddresses;
    private final List<VirtualRoute> virtualRoutes;
    private final List<VirtualRule> virtualRules;
    private final boolean notifyPriorityChanges;
    private final NotifyScripts notify;
    private final ScriptEnv scriptEnv;
    private final List<FloatingIpSettings> floatingIps;
    private final List<TrackedScript> trackScripts;
    private final List<TrackedInterface> trackInterfaces;
    private final List<TrackedFile> trackFiles;
    private final List<TrackedProcess> trackProcesses;
    private final GarpSettings garp;
    private final java.nio.file.Path stateFile;
    private final TransportSettings transport;
    private final MulticastSettings multicast;
    private final SourceLine interfaceLine;
    private final java.util.Map<String, SourceLine> trackInterfaceLines;
    private final java.util.Map<String, SourceLine> deviceLines;

    private InstanceConfig(Builder b) {
        this.name = b.name;
        this.file = b.file;
        this.line = b.line;
        this.initialState = b.initialState;
        this.interfaceName = b.interfaceName;
        this.virtualRouterId = b.virtualRouterId;
        this.priority = b.priority;
        this.version = b.version;
        this.advertIntervalCentis = b.advertIntervalCentis;
        this.preempt = b.preempt;
        this.preemptDelay = b.preemptDelay;
        this.unicastSrcIp = b.unicastSrcIp;
        this.unicastPeers = List.copyOf(b.unicastPeers);
        this.authentication = b.authentication;
        this.virtualAddresses = List.copyOf(b.virtualAddresses);
        this.excludedAddresses = List.copyOf(b.excludedAddresses);
        this.virtualRoutes = List.copyOf(b.virtualRoutes);
        this.virtualRules = List.copyOf(b.virtualRules);
        this.notifyPriorityChanges = b.notifyPriorityChanges;
        this.notify = b.notify;
        this.scriptEnv = b.scriptEnv;
        this.floatingIps = List.copyOf(b.floatingIps);
        this.trackScripts = List.copyOf(b.trackScripts);
        this.trackInterfaces = List.copyOf(b.trackInterfaces);
        this.trackFiles = List.copyOf(b.trackFiles);
        this.trackProcesses = List.copyOf(b.trackProcesses);
        this.garp = b.garp;
        this.stateFile = b.stateFile;
        this.transport = b.transport;
        this.multicast = b.multicast;
        this.interfaceLine = b.interfaceLine;
        this.trackInterfaceLines = java.util.Map.copyOf(b.trackInterfaceLines);
        this.deviceLines = java.util.Map.copyOf(b.deviceLines);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The name after {@code vrrp_instance}. */
    public String name() {
        return name;
    }

    /** The file the block is in, {@code null} when not built from a file. */
    public String file() {
        return file;
    }

    /** The line the block starts on, 0 when not built from a file. */
    public int line() {
        return line;
    }

    /** {@code state}; default {@link InitialState#BACKUP}. */
    public InitialState initialState() {
        return initialState;
    }

    /** {@code interface}: where adverts are sent and received. */
    public String interfaceName() {
        return interfaceName;
    }

    /** Where {@code interface} was written; empty when not built from a file. Not part of equality. */
    public java.util.Optional<SourceLine> interfaceLine() {
        return java.util.Optional.ofNullable(interfaceLine);
    }

    /** Where the {@code track_interface} entry naming {@code name} was written; empty when not from a file. */
    public java.util.Optional<SourceLine> trackInterfaceLine(String name) {
        return java.util.Optional.ofNullable(trackInterfaceLines.get(name));
    }

    /** Where a {@code virtual_ipaddress} entry first named {@code dev DEVICE}; empty when not from a file. */
    public java.util.Optional<SourceLine> deviceLine(String device) {
        return java.util.Optional.ofNullable(deviceLines.get(device));
    }

    /** {@code virtual_router_id}, 1..255. */
    public int virtualRouterId() {
        return virtualRouterId;
    }

    /** {@code priority}, 1..255; default 100. */
    public int priority() {
        return priority;
    }

    /** The VRRP version in effect: {@code version}, else {@code vrrp_version}, and always 3 for IPv6. */
    public int version() {
        return version;
    }

    /** {@code advert_int} in centiseconds, the unit of the VRRPv3 field; default 100 (1 s). */
    public int advertIntervalCentis() {
        return advertIntervalCentis;
    }

    public Duration advertInterval() {
        return Duration.ofMillis(advertIntervalCentis * 10L);
    }

    /** {@code false} with {@code nopreempt}; default {@code true}. */
    public boolean preempt() {
        return preempt;
    }

    /** {@code preempt_delay}; default zero. */
    public Duration preemptDelay() {
        return preemptDelay;
    }

    /** {@code unicast_src_ip}, or {@code null} to let the kernel pick the source address. */
    public InetAddress unicastSrcIp() {
        return unicastSrcIp;
    }

    /** {@code unicast_peer} entries; empty for a multicast instance. */
    public List<UnicastPeer> unicastPeers() {
        return unicastPeers;
    }

    /** {@code authentication}, or {@code null} when adverts are not authenticated. */
    public Authentication authentication() {
        return authentication;
    }

    /** {@code virtual_ipaddress} entries. */
    public List<VirtualAddress> virtualAddresses() {
        return virtualAddresses;
    }

    /**
     * {@code virtual_ipaddress_excluded} entries: added and removed with the virtual addresses, but never listed in
     * an advert (so they may be of the other address family, or more than an advert holds).
     */
    public List<VirtualAddress> excludedAddresses() {
        return excludedAddresses;
    }

    /** {@code virtual_routes}: added after the addresses when the instance becomes Master, removed when it leaves. */
    public List<VirtualRoute> virtualRoutes() {
        return virtualRoutes;
    }

    /** {@code virtual_rules}: added after the routes when the instance becomes Master, removed first when it leaves. */
    public List<VirtualRule> virtualRules() {
        return virtualRules;
    }

    /** What a Master holds: {@link #virtualAddresses()}, then {@link #excludedAddresses()}. */
    public List<VirtualAddress> heldAddresses() {
        if (excludedAddresses.isEmpty()) {
            return virtualAddresses;
        }
        List<VirtualAddress> all = new ArrayList<>(virtualAddresses);
        all.addAll(excludedAddresses);
        return List.copyOf(all);
    }

    /**
     * {@code notify_priority_changes} (or global_defs' {@code vrrp_notify_priority_changes}): the notify FIFOs get
     * {@code INSTANCE "VI_1" MASTER_PRIORITY 140} (or {@code BACKUP_PRIORITY}) when tracking moves the priority.
     */
    public boolean notifyPriorityChanges() {
        return notifyPriorityChanges;
    }

    /** {@code notify*} scripts; {@link NotifyScripts#NONE} when none. */
    public NotifyScripts notifyScripts() {
        return notify;
    }

    /** {@code script_env} of the notify scripts: the instance's own over global_defs'; {@link ScriptEnv#NONE} when none. */
    public ScriptEnv scriptEnv() {
        return scriptEnv;
    }

    /**
     * floatd's {@code floating_ip} blocks, in file order, each with its own file:line; empty when there is none. Each
     * block moves its address with its own provider, all on the same transitions.
     */
    public List<FloatingIpSettings> floatingIps() {
        return floatingIps;
    }

    /** {@code track_script} entries, in file order. */
    public List<TrackedScript> trackScripts() {
        return trackScripts;
    }

    /** {@code track_interface} entries, in file order. */
    public List<TrackedInterface> trackInterfaces() {
        return trackInterfaces;
    }

    /** {@code track_file} entries, in file order. */
    public List<TrackedFile> trackFiles() {
        return trackFiles;
    }

    /** {@code track_process} entries, in file order. */
    public List<TrackedProcess> trackProcesses() {
        return trackProcesses;
    }

    /** Whether anything is tracked, so that start-up waits for tracking. */
    public boolean isTracking() {
        return !trackScripts.isEmpty() || !trackInterfaces.isEmpty() || !trackFiles.isEmpty() || !trackProcesses.isEmpty();

    }

    /** The gratuitous ARP / NA schedule in effect: the instance's {@code garp_master_*} over global_defs'. */
    public GarpSettings garp() {
        return garp;
    }

    /** floatd's per-instance {@code state_file}: holds just the state word; {@code null} when none. */
    /** How adverts travel: protocol 112 (the default) or UDP, optionally signed. */
    public TransportSettings transport() {
        return transport;
    }

    public java.nio.file.Path stateFile() {
        return stateFile;
    }

    public boolean isIpv6() {
        return InstanceRules.familyReference(unicastSrcIp, unicastPeers, multicast.group(), virtualAddresses) instanceof Inet6Address;
    }

    /** No {@code unicast_peer}: adverts go to a multicast group (keepalived's default). */
    public boolean isMulticast() {
        return unicastPeers.isEmpty();
    }

    /** {@code mcast_dst_ip} and {@code skip_check_adv_addr} as resolved against global_defs. */
    public MulticastSettings multicast() {
        return multicast;
    }

    /** The group a multicast instance sends to and joins. */
    public InetAddress multicastGroup() {
        return multicast.groupFor(isIpv6());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstanceConfig other && equalsExceptStateFile(other) && Objects.equals(stateFile, other.stateFile);
    }

    /**
     * Equal but for {@code state_file}: what a reload compares to know whether the instance must restart (a new
     * state file only changes where its state is written).
     */
    public boolean equalsExceptStateFile(InstanceConfig other) {
        return name.equals(other.name)
                && initialState == other.initialState
                && interfaceName.equals(other.interfaceName)
                && virtualRouterId == other.virtualRouterId
                && priority == other.priority
                && version == other.version
                && advertIntervalCentis == other.advertIntervalCentis
                && preempt == other.preempt
                && preemptDelay.equals(other.preemptDelay)
                && Objects.equals(unicastSrcIp, other.unicastSrcIp)
                && unicastPeers.equals(other.unicastPeers)
                && Objects.equals(authentication, other.authentication)
                && virtualAddresses.equals(other.virtualAddresses)
                && excludedAddresses.equals(other.excludedAddresses)
                && virtualRoutes.equals(other.virtualRoutes)
                && virtualRules.equals(other.virtualRules)
                && notifyPriorityChanges == other.notifyPriorityChanges
                && notify.equals(other.notify)
                && scriptEnv.equals(other.scriptEnv)
                && floatingIps.equals(other.floatingIps)
                && trackScripts.equals(other.trackScripts)
                && trackInterfaces.equals(other.trackInterfaces)
                && trackFiles.equals(other.trackFiles)
                && trackProcesses.equals(other.trackProcesses)
                && garp.equals(other.garp)
                && transport.equals(other.transport)
                && multicast.equals(other.multicast);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, interfaceName, virtualRouterId, priority, version, advertIntervalCentis,
                unicastPeers, virtualAddresses);
    }

    @Override
    public String toString() {
        return "InstanceConfig[name=" + name
                + ", source=" + file + ":" + line
                + ", initialState=" + initialState
                + ", interfaceName=" + interfaceName
                + ", virtualRouterId=" + virtualRouterId
                + ", priority=" + priority
                + ", version=" + version
                + ", advertIntervalCentis=" + advertIntervalCentis
                + ", preempt=" + preempt
                + ", preemptDelay=" + preemptDelay
                + ", unicastSrcIp=" + (unicastSrcIp == null ? null : Addresses.format(unicastSrcIp))
                + ", unicastPeers=" + unicastPeers
                + ", authentication=" + authentication
                + ", virtualAddresses=" + virtualAddresses
                + ", excludedAddresses=" + excludedAddresses
                + (virtualRoutes.isEmpty() ? "" : ", virtualRoutes=" + virtualRoutes)
                + (virtualRules.isEmpty() ? "" : ", virtualRules=" + virtualRules)
                + ", notifyPriorityChanges=" + notifyPriorityChanges
                + ", notifyScripts=" + notify
                + ", scriptEnv=" + scriptEnv
                + ", floatingIps=" + floatingIps
                + ", trackScripts=" + trackScripts
                + ", trackInterfaces=" + trackInterfaces
                + ", trackFiles=" + trackFiles
                + ", trackProcesses=" + trackProcesses
                + ", garp=" + garp
                + ", stateFile=" + stateFile
                + ", transport=" + transport
                + ", multicast=" + multicast
                + "]";
    }

    /** Collects an instance's settings; each setter rejects a bad value at once, {@link #build()} the bad mixes. */
    public static final class Builder {
        private final String name;
        private String file;
        private int line;
        private SourceLine interfaceLine;
        private final java.util.Map<String, SourceLine> trackInterfaceLines = new java.util.HashMap<>();
        private final java.util.Map<String, SourceLine> deviceLines = new java.util.HashMap<>();
        private InitialState initialState = InitialState.BACKUP;
        private String interfaceName;
        private int virtualRouterId;
        private int priority = DEFAULT_PRIORITY;
        private int version = GlobalDefs.DEFAULT_VRRP_VERSION;
        private int advertIntervalCentis = DEFAULT_ADVERT_INTERVAL_CENTIS;
        private boolean preempt = true;
        private Duration preemptDelay = Duration.ZERO;
        private InetAddress unicastSrcIp;
        private final List<UnicastPeer> unicastPeers = new ArrayList<>();
        private Authentication authentication;
        private final List<VirtualAddress> virtualAddresses = new ArrayList<>();
        private final List<VirtualAddress> excludedAddresses = new ArrayList<>();
        private final List<VirtualRoute> virtualRoutes = new ArrayList<>();
        private final List<VirtualRule> virtualRules = new ArrayList<>();
        private boolean notifyPriorityChanges;
        private NotifyScripts notify = NotifyScripts.NONE;
        private ScriptEnv scriptEnv = ScriptEnv.NONE;
        private final List<FloatingIpSettings> floatingIps = new ArrayList<>();
        private final List<TrackedScript> trackScripts = new ArrayList<>();
        private final List<TrackedInterface> trackInterfaces = new ArrayList<>();
        private final List<TrackedFile> trackFiles = new ArrayList<>();
        private final List<TrackedProcess> trackProcesses = new ArrayList<>();
        private GarpSettings garp = GarpSettings.DEFAULTS;
        private java.nio.file.Path stateFile;
        private TransportSettings transport = TransportSettings.protocol112();
        private MulticastSettings multicast = MulticastSettings.DEFAULT;

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("vrrp_instance name must not be empty");
            }
            this.name = name;
        }

        public Builder source(String file, int line) {
            this.file = file;
            this.line = line;
            return this;
        }

        public Builder initialState(InitialState initialState) {
            this.initialState = Objects.requireNonNull(initialState, "initialState");
            return this;
        }

        public Builder interfaceName(String interfaceName) {
            if (interfaceName == null || interfaceName.isBlank()) {
                throw new IllegalArgumentException("interface must not be empty");
            }
            this.interfaceName = interfaceName;
            return this;
        }

        /** Where {@code interface} was written (for the host check's file:line). */
        public Builder interfaceLine(SourceLine where) {
            this.interfaceLine = where;
            return this;
        }

        /** Where the {@code track_interface} entry {@code name} was written (for the host check's file:line). */
        public Builder trackInterfaceLine(String name, SourceLine where) {
            trackInterfaceLines.putIfAbsent(name, Objects.requireNonNull(where, "where"));
            return this;
        }

        /** Where a {@code virtual_ipaddress} entry named {@code dev device} (the first such line is kept). */
        public Builder deviceLine(String device, SourceLine where) {
            deviceLines.putIfAbsent(device, Objects.requireNonNull(where, "where"));
            return this;
        }

        public Builder virtualRouterId(int virtualRouterId) {
            if (virtualRouterId < 1 || virtualRouterId > 255) {
                throw new IllegalArgumentException("virtual_router_id must be between 1 and 255, but was " + virtualRouterId);
            }
            this.virtualRouterId = virtualRouterId;
            return this;
        }

        public Builder priority(int priority) {
            if (priority < 1 || priority > 255) {
                throw new IllegalArgumentException("priority must be between 1 and 255, but was " + priority);
            }
            this.priority = priority;
            return this;
        }

        public Builder version(int version) {
            InstanceRules.checkVersion("version", version);
            this.version = version;
            return this;
        }

        /** Checked against the version by {@link #build()}, since either may be set first. */
        public Builder advertIntervalCentis(int centis) {
            if (centis < 1 || centis > 255_00) {
                throw new IllegalArgumentException("advert_int must be between 0.01 and 255 seconds, but was " + InstanceRules.seconds(centis));
            }
            this.advertIntervalCentis = centis;
            return this;
        }

        public Builder preempt(boolean preempt) {
            this.preempt = preempt;
            return this;
        }

        public Builder preemptDelay(Duration delay) {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative() || delay.compareTo(MAX_PREEMPT_DELAY) > 0) {
                throw new IllegalArgumentException("preempt_delay must be between 0 and 1000 seconds, but was " + InstanceRules.seconds(delay));
            }
            this.preemptDelay = delay;
            return this;
        }

        public Builder unicastSrcIp(InetAddress address) {
            this.unicastSrcIp = address;
            return this;
        }

        public Builder addUnicastPeer(UnicastPeer peer) {
            Objects.requireNonNull(peer, "peer");
            if (unicastPeers.stream().anyMatch(p -> p.address().equals(peer.address()))) {
                throw new IllegalArgumentException("unicast_peer " + Addresses.format(peer.address()) + " is listed twice");
            }
            unicastPeers.add(peer);
            return this;
        }

        public Builder unicastPeers(List<UnicastPeer> peers) {
            unicastPeers.clear();
            peers.forEach(this::addUnicastPeer);
            return this;
        }

        public Builder authentication(Authentication authentication) {
            this.authentication = authentication;
            return this;
        }

        public Builder addVirtualAddress(VirtualAddress address) {
            Objects.requireNonNull(address, "address");
            if (virtualAddresses.stream().anyMatch(a -> a.address().equals(address.address()))) {
                throw new IllegalArgumentException("virtual_ipaddress " + Addresses.format(address.address()) + " is listed twice");
            }
            virtualAddresses.add(address);
            return this;
        }

        /** A {@code virtual_ipaddress_excluded} entry; an address may be listed once among both lists. */
        public Builder addExcludedAddress(VirtualAddress address) {
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
        public Builder addVirtualRoute(VirtualRoute route) {
            virtualRoutes.add(Objects.requireNonNull(route, "route"));
            return this;
        }

        /** A {@code virtual_rules} entry. */
        public Builder addVirtualRule(VirtualRule rule) {
            virtualRules.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        public Builder notifyPriorityChanges(boolean notifyPriorityChanges) {
            this.notifyPriorityChanges = notifyPriorityChanges;
            return this;
        }

        public Builder removeVirtualAddress(InetAddress address) {
            virtualAddresses.removeIf(a -> a.address().equals(address));
            return this;
        }

        public Builder virtualAddresses(List<VirtualAddress> addresses) {
            virtualAddresses.clear();
            addresses.forEach(this::addVirtualAddress);
            return this;
        }

        public Builder notifyScripts(NotifyScripts notify) {
            this.notify = Objects.requireNonNull(notify, "notify");
            return this;
        }

        /** Replaces the {@code floating_ip} blocks. */
        public Builder floatingIps(List<FloatingIpSettings> blocks) {
            this.floatingIps.clear();
            blocks.forEach(this::addFloatingIp);
            return this;
        }

        /** The blocks added so far (the parser checks a new one against them). */
        List<FloatingIpSettings> floatingIps() {
            return List.copyOf(floatingIps);
        }

        /** One more {@code floating_ip} block, after those added before. */
        public Builder addFloatingIp(FloatingIpSettings block) {
            this.floatingIps.add(Objects.requireNonNull(block, "block"));
            return this;
        }

        public Builder addTrackScript(TrackedScript tracked) {
            Objects.requireNonNull(tracked, "tracked");
            if (trackScripts.stream().anyMatch(t -> t.name().equals(tracked.name()))) {
                throw new IllegalArgumentException("track_script " + tracked.name() + " is listed twice");
            }
            trackScripts.add(tracked);
            return this;
        }

        public Builder addTrackInterface(TrackedInterface tracked) {
            Objects.requireNonNull(tracked, "tracked");
            if (trackInterfaces.stream().anyMatch(t -> t.name().equals(tracked.name()))) {
                throw new IllegalArgumentException("track_interface " + tracked.name() + " is listed twice");
            }
            trackInterfaces.add(tracked);
            return this;
        }

        public Builder addTrackFile(TrackedFile tracked) {
            Objects.requireNonNull(tracked, "tracked");
            if (trackFiles.stream().anyMatch(t -> t.name().equals(tracked.name()))) {
                throw new IllegalArgumentException("track_file " + tracked.name() + " is listed twice");
            }
            trackFiles.add(tracked);

            return this;
        }

        public Builder addTrackProcess(TrackedProcess tracked) {
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
        Builder editTracking(java.util.function.Consumer<List<TrackedInterface>> interfaces,
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
        public Builder replaceTrackProcess(TrackedProcess tracked) {
            Objects.requireNonNull(tracked, "tracked");
            trackProcesses.replaceAll(t -> t.name().equals(tracked.name()) ? tracked : t);
            return this;
        }

        public Builder scriptEnv(ScriptEnv env) {
            this.scriptEnv = Objects.requireNonNull(env, "env");
            return this;
        }

        public Builder garp(GarpSettings garp) {
            this.garp = Objects.requireNonNull(garp, "garp");
            return this;
        }

        public Builder transport(TransportSettings transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        public Builder multicast(MulticastSettings multicast) {
            this.multicast = Objects.requireNonNull(multicast, "multicast");
            return this;
        }

        public Builder stateFile(java.nio.file.Path stateFile) {
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
                problems.add(NO_PEER);
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

    static final String NO_PEER =
            "transport udp needs unicast_peer: floatd's UDP transport is unicast only (without a transport block,"
            + " an instance without unicast_peer speaks VRRP over multicast, as keepalived does)";
}
