package io.floatd.vrrp.config;

import io.floatd.vrrp.script.ScriptEnv;
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

    InstanceConfig(InstanceConfigBuilder b) {
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

    /** A copy with other floating_ip blocks. */
    private InstanceConfig(InstanceConfig o, List<FloatingIpSettings> floatingIps) {
        this.name = o.name;
        this.file = o.file;
        this.line = o.line;
        this.initialState = o.initialState;
        this.interfaceName = o.interfaceName;
        this.virtualRouterId = o.virtualRouterId;
        this.priority = o.priority;
        this.version = o.version;
        this.advertIntervalCentis = o.advertIntervalCentis;
        this.preempt = o.preempt;
        this.preemptDelay = o.preemptDelay;
        this.unicastSrcIp = o.unicastSrcIp;
        this.unicastPeers = o.unicastPeers;
        this.authentication = o.authentication;
        this.virtualAddresses = o.virtualAddresses;
        this.excludedAddresses = o.excludedAddresses;
        this.virtualRoutes = o.virtualRoutes;
        this.virtualRules = o.virtualRules;
        this.notifyPriorityChanges = o.notifyPriorityChanges;
        this.notify = o.notify;
        this.scriptEnv = o.scriptEnv;
        this.floatingIps = List.copyOf(floatingIps);
        this.trackScripts = o.trackScripts;
        this.trackInterfaces = o.trackInterfaces;
        this.trackFiles = o.trackFiles;
        this.trackProcesses = o.trackProcesses;
        this.garp = o.garp;
        this.stateFile = o.stateFile;
        this.transport = o.transport;
        this.multicast = o.multicast;
        this.interfaceLine = o.interfaceLine;
        this.trackInterfaceLines = o.trackInterfaceLines;
        this.deviceLines = o.deviceLines;
    }

    /**
     * The same instance with {@code blocks} for its floating_ip blocks: the same blocks, each with what its provider
     * typed of it ({@link FloatingIpSettings#withTyped}).
     *
     * @throws IllegalArgumentException when {@code blocks} are not the instance's blocks
     */
    public InstanceConfig withFloatingIps(List<FloatingIpSettings> blocks) {
        if (!blocks.equals(floatingIps)) {
            throw new IllegalArgumentException("vrrp_instance " + name + ": not its floating_ip blocks");
        }
        return new InstanceConfig(this, blocks);
    }

    public static InstanceConfigBuilder builder(String name) {
        return new InstanceConfigBuilder(name);
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

    /** How adverts travel: protocol 112 (the default) or UDP, optionally signed. */
    public TransportSettings transport() {
        return transport;
    }

    /** floatd's per-instance {@code state_file}: holds just the state word; {@code null} when none. */
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

    static final String NO_PEER =
            "transport udp needs unicast_peer: floatd's UDP transport is unicast only (without a transport block,"
            + " an instance without unicast_peer speaks VRRP over multicast, as keepalived does)";
}
