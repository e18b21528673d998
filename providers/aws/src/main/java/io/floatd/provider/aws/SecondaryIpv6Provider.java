package io.floatd.provider.aws;

import io.floatd.vrrp.provider.Ipv6Text;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.SubnetIpv6CidrBlockAssociation;

/**
 * {@code mode secondary_ip} with an IPv6 {@code address}: the address is one of this instance's ENI's IPv6 addresses
 * ({@code network_interface}, else the instance's primary ENI). EC2 cannot reassign an IPv6 address in one call (there
 * is no AllowReassignment for IPv6), so a move is two writes, decided by {@link Ipv6Move} from what was read:
 *
 * <ul>
 *   <li>{@link #holder()}: DescribeNetworkInterfaces filtered by {@code ipv6-addresses.ipv6-address} (and our ENI's
 *       VPC).</li>
 *   <li>{@link #acquire()}: that read, then, unless the address is on our ENI already (nothing written):
 *       UnassignIpv6Addresses from the holder's ENI, then AssignIpv6Addresses to ours; or AssignIpv6Addresses alone
 *       when it is on no ENI (a half-done earlier move is finished that way). {@link #acquire(Holder)} after the
 *       orchestrator's read: the writes only.</li>
 *   <li>{@link #release()}: that read, then UnassignIpv6Addresses from our ENI only if it is there.</li>
 *   <li>{@link #handOver}: UnassignIpv6Addresses from our ENI, then AssignIpv6Addresses to the peer's ENI.</li>
 * </ul>
 *
 * <p>Between the two writes the address is on no interface: that window is logged as one line with its length in
 * milliseconds (from the unassign being sent to the assign being answered: an upper bound of what EC2 saw) and
 * counted in {@link #stats()}. An assign that EC2 refuses is followed by a read: the address re-taken by its holder in
 * between is a retryable error (the orchestrator's next attempt starts from a new read); still on nobody, the
 * refusal is the answer.
 *
 * <p>At start ({@link #warmUp()}): our ENI, its VPC and subnet, and the subnet's IPv6 CIDR blocks (DescribeSubnets):
 * an address outside them is a fatal error there and then. EC2 takes no DryRun on AssignIpv6Addresses or
 * UnassignIpv6Addresses, so their permissions cannot be checked before the first move.
 */
public final class SecondaryIpv6Provider extends EniMoveProvider<SecondaryIpv6Provider.Found> {
    private static final Logger LOG = Logger.getLogger(SecondaryIpv6Provider.class.getName());
    /** EC2's answers to an AssignIpv6Addresses it will not do: the address in use elsewhere, or a bad value. */
    private static final List<String> REFUSED = List.of("InvalidIPAddress.InUse", "InvalidParameterValue");

    private final LongSupplier nanos;
    private volatile String eniSubnet;
    /**
     * When this node's UnassignIpv6Addresses was sent whose AssignIpv6Addresses has not gone through yet (the address
     * on nobody since, as far as this node knows), or {@link Long#MIN_VALUE}.
     */
    private long unassignedAt = Long.MIN_VALUE;
    private final Counters counters = new Counters();

    /** The ENI a read found the address on, or null, and the holder that is. */
    record Found(String eni, Holder holder) implements Reading {
    }

    SecondaryIpv6Provider(AwsSettings settings, ProviderContext context, String instanceId, String primaryEni,
                          String metadataVpc, SharedEc2Client client, AwsErrors errors) {
        this(settings, context, instanceId, primaryEni, metadataVpc, client, errors, System::nanoTime);
    }

    SecondaryIpv6Provider(AwsSettings settings, ProviderContext context, String instanceId, String primaryEni,
                          String metadataVpc, SharedEc2Client client, AwsErrors errors, LongSupplier nanos) {
        super(settings, context, instanceId, primaryEni, metadataVpc, client, errors);
        this.nanos = nanos;
    }

    /**
     * Our ENI (DescribeInstances when neither config nor IMDS named it), its VPC and subnet, then the subnet's IPv6
     * CIDR blocks: an address outside them can never be assigned to it, which is said here, at start.
     */
    @Override
    void warmUp() throws ProviderException {
        NetworkInterface n = describeOwnEni();
        eniSubnet = n.subnetId();
        checkSubnet(eni, n.subnetId());
    }

    private void checkSubnet(String ours, String subnetId) throws ProviderException {
        if (subnetId == null) {
            return;
        }
        // without ec2:DescribeSubnets the check is skipped (a warning): the first AssignIpv6Addresses would tell
        var resp = errors.callTolerating("DescribeSubnets", "UnauthorizedOperation",
                () -> ec2().describeSubnets(r -> r.subnetIds(subnetId)));
        if (resp.isEmpty()) {
            LOG.log(Level.WARNING, "VRRP_Instance({0}) aws: cannot check that {1} is in the IPv6 CIDR of {2} "
                    + "(ec2:DescribeSubnets denied: UnauthorizedOperation)", new Object[] {context.instanceName(),
                    address, subnetId});
            return;
        }
        List<String> cidrs = resp.get().subnets().stream().filter(s -> subnetId.equals(s.subnetId()))
                .map(Subnet::ipv6CidrBlockAssociationSet).flatMap(List::stream)
                .filter(a -> a.ipv6CidrBlockState() == null
                        || !"disassociated".equals(a.ipv6CidrBlockState().stateAsString()))
                .map(SubnetIpv6CidrBlockAssociation::ipv6CidrBlock).toList();
        if (cidrs.isEmpty()) {
            throw ProviderException.fatal("aws: floating_ip address " + address + ": subnet " + subnetId + " of "
                    + ours + " has no IPv6 CIDR block; associate one (aws ec2 associate-subnet-cidr-block) or move "
                    + "an IPv4 address");
        }
        if (cidrs.stream().noneMatch(c -> Ipv6Text.inCidr(address, c))) {
            throw ProviderException.fatal("aws: floating_ip address " + address + " is not in the IPv6 CIDR of "
                    + subnetId + " (" + String.join(", ", cidrs) + "), the subnet of " + ours + ": an IPv6 address "
                    + "moves only between interfaces of one subnet");
        }
    }

    @Override
    String describe() {
        return "secondary IPv6 address " + address + " on " + (eni == null ? "the primary interface" : eni)
                + (eniSubnet == null ? "" : " in " + eniSubnet) + " (mode secondary_ip)";
    }

    @Override
    public synchronized void release() throws ProviderException {
        ensureEni();
        Ipv6Move.Plan plan = Ipv6Move.release(read().eni(), eni);
        if (!plan.writes()) {
            return;
        }
        boolean done = unassign(plan.from());
        LOG.log(Level.INFO, "VRRP_Instance({0}) aws: IPv6 {1} {2} {3}", new Object[] {context.instanceName(), address,
                done ? "unassigned from" : "already gone from", plan.from()});
    }

    @Override
    String what() {
        return "IPv6 address " + address;
    }

    /** Sends what {@link Ipv6Move} decides for {@code found}, to bring the address to {@code target}. */
    @Override
    void write(Found found, String target, InetAddress peer) throws ProviderException {
        Ipv6Move.Plan plan = Ipv6Move.moveTo(found.eni(), target);
        switch (plan.step()) {
            case NOTHING, UNASSIGN -> {
                return;
            }
            case UNASSIGN_THEN_ASSIGN -> {
                long t0 = nanos.getAsLong();
                if (!unassign(plan.from())) {
                    counters.unassignGone.incrementAndGet();
                }
                // a holder was read: any earlier gap of this node's ended when it took the address, a new one begins
                unassignedAt = t0;
            }
            case ASSIGN -> {
                if (unassignedAt != Long.MIN_VALUE) {
                    counters.resumed.incrementAndGet();
                    LOG.log(Level.INFO, "VRRP_Instance({0}) aws: IPv6 {1} is on no interface since this node''s "
                            + "UnassignIpv6Addresses (its AssignIpv6Addresses did not go through): assigning to {2}",
                            new Object[] {context.instanceName(), address, target});
                }
            }
        }
        assign(target);
        long t1 = nanos.getAsLong();
        String from = plan.from() == null ? "no interface" : plan.from() + " of " + found.holder();
        String to = peer == null ? target : target + ", peer " + peer.getHostAddress();
        if (unassignedAt != Long.MIN_VALUE) {
            long window = t1 - unassignedAt;
            unassignedAt = Long.MIN_VALUE;
            counters.moved(window);
            LOG.log(Level.INFO, "VRRP_Instance({0}) aws: IPv6 {1} moved from {2} to {3}: on no interface for "
                    + "{4} ms (UnassignIpv6Addresses sent -> AssignIpv6Addresses answered)", new Object[] {
                    context.instanceName(), address, from, to, String.format(Locale.ROOT, "%.1f", window / 1e6)});
        } else {
            counters.assignedFree.incrementAndGet();
            LOG.log(Level.INFO, "VRRP_Instance({0}) aws: IPv6 {1} assigned to {2}, was on no interface",
                    new Object[] {context.instanceName(), address, to});
        }
        last = null;
    }

    /**
     * AssignIpv6Addresses; a refusal is checked with a new read: on the target after all is success, on another ENI
     * is retryable (re-taken in between), on none the refusal stands.
     */
    private void assign(String target) throws ProviderException {
        try {
            ec2().assignIpv6Addresses(r -> r.networkInterfaceId(target).ipv6Addresses(address));
            return;
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            ProviderException refusal = errors.translate("AssignIpv6Addresses", e);
            if (!REFUSED.contains(code)) {
                throw refusal;
            }
            Found now = read();
            switch (Ipv6Move.afterRefusedAssign(now.eni(), target)) {
                case DONE -> {
                    return;
                }
                case RETRY -> {
                    counters.reTaken.incrementAndGet();
                    throw new ProviderException("aws: ec2:AssignIpv6Addresses refused (" + code + "): " + address
                            + " is on " + now.eni() + " (" + now.holder() + ") again, taken between the unassign and "
                            + "the assign: will retry", true);
                }
                case FAIL -> throw refusal;
            }
        } catch (SdkException e) {
            throw errors.translate("AssignIpv6Addresses", e);
        }
    }

    /** UnassignIpv6Addresses from {@code from}; false when the ENI no longer had it (moved away in between). */
    private boolean unassign(String from) throws ProviderException {
        return errors.callTolerating("UnassignIpv6Addresses", "InvalidParameterValue",
                () -> ec2().unassignIpv6Addresses(r -> r.networkInterfaceId(from).ipv6Addresses(address))).isPresent();
    }

    @Override
    Found read() throws ProviderException {
        Found f = classify(interfacesWith("ipv6-addresses.ipv6-address"));
        last = f;
        return f;
    }

    Found classify(List<NetworkInterface> holders) {
        NetworkInterface n = holding(holders);
        return n == null ? new Found(null, Holder.nobody()) : new Found(n.networkInterfaceId(), holderOf(n));
    }

    /** The IPv6 moves' counters since start. */
    public Stats stats() {
        return counters.snapshot();
    }

    /**
     * @param moves moves by unassign then assign (each with its window)
     * @param assignedFree assigns of an address that was on no interface when read (no window of this node's)
     * @param resumed of the moves, those finished by a later attempt after their assign had failed
     * @param reTaken assigns refused because the holder had the address again (then retried)
     * @param unassignGone unassigns that found the address already gone from the holder's ENI
     * @param lastWindowNanos the last move's window (unassign sent to assign answered), or 0
     * @param maxWindowNanos the longest window so far, or 0
     */
    public record Stats(long moves, long assignedFree, long resumed, long reTaken, long unassignGone,
            long lastWindowNanos, long maxWindowNanos) {
    }

    private static final class Counters {
        final AtomicLong moves = new AtomicLong();
        final AtomicLong assignedFree = new AtomicLong();
        final AtomicLong resumed = new AtomicLong();
        final AtomicLong reTaken = new AtomicLong();
        final AtomicLong unassignGone = new AtomicLong();
        final AtomicLong lastWindow = new AtomicLong();
        final AtomicLong maxWindow = new AtomicLong();

        void moved(long window) {
            moves.incrementAndGet();
            lastWindow.set(window);
            maxWindow.accumulateAndGet(window, Math::max);
        }

        Stats snapshot() {
            return new Stats(moves.get(), assignedFree.get(), resumed.get(), reTaken.get(), unassignGone.get(),
                    lastWindow.get(), maxWindow.get());
        }
    }
}
