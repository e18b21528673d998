package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.ActionPoll;
import io.floatd.vrrp.provider.CloudApiError;
import io.floatd.vrrp.provider.CloudIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.Ipv6Text;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.provider.RateLimitedCalls;
import java.net.InetAddress;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * A Hetzner Cloud floating IP routed to this server, and held on its interface.
 *
 * <ul>
 *   <li>{@link #holder()}: {@code GET /v1/floating_ips/{id}}: its {@code server} is ours (SELF; but NOBODY, "address
 *       missing on eth0", while the address is not on the interface, so that the re-check puts it back), a peer's
 *       server (PEER: {@link HetznerPeers}), another server (OTHER), or null (NOBODY).</li>
 *   <li>{@link #acquire()}: the same GET (skipped by {@link #acquire(Holder)}, which reuses the orchestrator's read),
 *       then, unless it is routed here already, {@code POST .../actions/assign {"server":N}} and
 *       {@code GET /v1/floating_ips/actions/{id}} until {@code success} or {@code error}; then the address on the
 *       interface ({@link LocalAddress}). Routed here already: no write at all.</li>
 *   <li>{@link #release()}: the address off the interface; with {@code unassign yes} also {@code .../unassign} when
 *       the floating IP is still routed here.</li>
 *   <li>{@link #handOver}: the address off the interface, then the assign to the peer's server.</li>
 *   <li>{@link #clearStale()}: at a start as Backup, the address a crashed run left on the interface.</li>
 * </ul>
 *
 * <p>While an action runs on the floating IP, Hetzner answers another with 423 {@code locked}; a change racing the
 * request is 409 {@code conflict}; both are retried (the orchestrator's backoff). 429 {@code rate_limit_exceeded}
 * waits for the bucket's next request ({@code RateLimit-Reset}) within the call's deadline. An assign cut short by the
 * orchestrator's attempt timeout while its action runs is followed, not sent again, at the next attempt.
 */
final class HetznerFloatingIpProvider extends CloudIpProvider {
    private static final Logger LOG = Logger.getLogger(HetznerFloatingIpProvider.class.getName());

    private final HetznerSettings settings;
    private final long serverId;
    private final long floatingIpId;
    private final String named;
    private final HcloudApi api;
    private final LocalAddress local;
    private final Set<String> peers;
    private final HetznerPeers peerIds;
    private final RateLimitedCalls calls;
    /** The assign or unassign this node started and has not seen finish. */
    private final ActionPoll<HcloudApi.Action> actions;
    /** The IP as {@link #holder()} last read it, for the {@link #acquire(Holder)} that follows; used once. */
    private volatile HcloudApi.FloatingIp lastRead;

    /**
     * @param floatingIp the floating IP as read at start (its id and address)
     * @param local the address on the interface, or null ({@code interface none})
     */
    HetznerFloatingIpProvider(HetznerSettings settings, ProviderContext context, long serverId,
            HcloudApi.FloatingIp floatingIp, HcloudApi api, LocalAddress local, HetznerClientOptions options) {
        super(context, options.actionTimeout());
        this.settings = settings;
        this.serverId = serverId;
        this.floatingIpId = floatingIp.id();
        this.named = "floating IP " + floatingIp.ip() + " (" + floatingIp.id() + ")";
        this.api = api;
        this.local = local;
        this.calls = new RateLimitedCalls(HetznerFloatingIpProvider.class.getName(), HetznerProviderFactory.NAME,
                context.instanceName(), "for the next request of the bucket", "waiting for the API rate limit");
        this.actions = new ActionPoll<>(HetznerProviderFactory.NAME, named, actionTimeout, options.pollInterval(), calls,
                p -> api.action(p.actionId()), (e, p) -> translate(e, Call.ACTION, p.target()),
                (p, a) -> "failed at Hetzner (server " + p.target() + ": " + a.errorCode()
                        + (a.errorMessage().isEmpty() ? "" : ", " + a.errorMessage()) + ")");
        this.peers = context.peers().stream().map(InetAddress::getHostAddress).collect(Collectors.toUnmodifiableSet());
        this.peerIds = new HetznerPeers(context.instanceName(), serverId, context.peers(), settings.peerServerIds(),
                this::serverPage, actionTimeout);
    }

    /**
     * The address that goes on the interface: the IPv4 itself; for a floating IPv6 ({@code 2001:db8:1::/64}) the
     * address written in the block when it is one of the /64, else the network's {@code ::1} (Hetzner's example).
     */
    static InetAddress interfaceAddress(HcloudApi.FloatingIp f, String written) throws ProviderException {
        String ip = f.ip();
        if (!f.ipv6()) {
            return literal(ip);
        }
        if (written != null && !written.contains("/")) {
            return literal(written);
        }
        String network = ip.contains("/") ? ip.substring(0, ip.indexOf('/')) : ip;
        byte[] b = Ipv6Text.parse(network).orElseThrow(() -> ProviderException.fatal("hetzner: the floating IPv6 "
                + ip + " is not an IPv6 network")).getAddress();
        b[15] = 1;
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An address literal (never a name: no resolver is asked). */
    private static InetAddress literal(String text) throws ProviderException {
        if (Ipv6Text.looksLikeIpv6(text)) {
            return Ipv6Text.parse(text).orElseThrow(() -> ProviderException.fatal("hetzner: '" + text
                    + "' is not an IPv6 address"));
        }
        String[] parts = text.split("\\.");
        if (parts.length != 4) {
            throw ProviderException.fatal("hetzner: '" + text + "' is not an IPv4 address");
        }
        byte[] b = new byte[4];
        try {
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v < 0 || v > 255) {
                    throw new NumberFormatException();
                }
                b[i] = (byte) v;
            }
            return InetAddress.getByAddress(b);
        } catch (NumberFormatException | java.net.UnknownHostException e) {
            throw ProviderException.fatal("hetzner: '" + text + "' is not an IPv4 address");
        }
    }

    @Override
    protected HetznerPeers peerIds() {
        return peerIds;
    }

    private HcloudApi.Page<HcloudApi.Server> serverPage(int page, long deadline) throws ProviderException {
        try {
            return calls.call(() -> api.servers(page, HetznerPeers.PER_PAGE), deadline);
        } catch (CloudApiError e) {
            throw translate(e, Call.LIST, serverId);
        }
    }

    /** One read of the floating IP (which opens the connection and checks the token) and one of this server. */
    void warmUp() throws ProviderException {
        long deadline = deadline();
        read(deadline);
        try {
            calls.call(() -> api.server(serverId), deadline);
        } catch (CloudApiError e) {
            throw translate(e, Call.SERVER, serverId);
        }
    }

    @Override
    protected String describe() {
        return named + " for server " + serverId + (local != null ? ", " + local.describe() : ", no interface address");
    }

    HetznerSettings settings() {
        return settings;
    }

    @Override
    public Holder holder() throws ProviderException {
        HcloudApi.FloatingIp current = read(deadline());
        lastRead = current;
        Holder h = classify(current);
        if (h.isSelf() && local != null && !local.present()) {
            return new Holder(Holder.Kind.NOBODY, "routed here, address missing on " + settings.interfaceName());
        }
        return h;
    }

    @Override
    public synchronized void acquire() throws ProviderException {
        assign(null);
    }

    /** With the holder the orchestrator has just read: that read is reused, so the assign is the next request. */
    @Override
    public synchronized void acquire(Holder seen) throws ProviderException {
        assign(seen == null ? null : lastRead);
    }

    private void assign(HcloudApi.FloatingIp known) throws ProviderException {
        long deadline = deadline();
        ActionPoll.Pending p = actions.recent(serverId);
        if (p != null && !actions.once(p, deadline).succeeded() && actions.pending() != null) {
            // an earlier attempt was cut short while our assign was running: follow it, do not send another
            actions.await(p, deadline);
            known = null;
        }
        actions.forget();
        HcloudApi.FloatingIp current = known != null ? known : read(deadline);
        lastRead = null;
        Holder before = classify(current);
        if (!before.isSelf()) {
            Long action = assignTo(serverId, Call.ASSIGN, deadline);
            if (action != null) {
                LOG.log(Level.INFO, "VRRP_Instance({0}) hetzner: {1} assigned to server {2} (action {3}), was {4}",
                        new Object[] {context.instanceName(), named, String.valueOf(serverId), String.valueOf(action),
                                before});
            }
        }
        if (local != null) {
            local.add();
        }
    }

    /**
     * {@code POST .../actions/assign {"server":N}}, then its action polled until it is done. Returns the action's id,
     * or null when the API answered 422 because the IP is routed to that server already.
     */
    private Long assignTo(long server, Call call, long deadline) throws ProviderException {
        HcloudApi.Action action;
        try {
            action = calls.call(() -> api.assign(floatingIpId, server), deadline);
        } catch (CloudApiError e) {
            if (e.status() == 422 && Long.valueOf(server).equals(read(deadline).server())) {
                LOG.log(Level.INFO, "VRRP_Instance({0}) hetzner: {1} was already assigned to server {2} (422 {3})",
                        new Object[] {context.instanceName(), named, String.valueOf(server), e.code()});
                return null;
            }
            throw translate(e, call, server);
        }
        ActionPoll.Pending started = actions.start(action.id(), call == Call.ASSIGN ? "assign" : "hand-over", server);
        if (!action.succeeded()) {
            actions.await(started, deadline);
        } else {
            actions.forget();
        }
        return action.id();
    }

    @Override
    public synchronized void handOver(InetAddress peer) throws ProviderException {
        long to = peerIds.handOverTarget(peer, named, "server");
        if (local != null) {
            local.remove();
        }
        actions.forget();
        lastRead = null;
        Long action = assignTo(to, Call.HAND_OVER, deadline());
        LOG.log(Level.INFO, "VRRP_Instance({0}) hetzner: {1} handed over to peer {2} (server {3}{4})",
                new Object[] {context.instanceName(), named, peer.getHostAddress(), String.valueOf(to),
                        action == null ? "" : ", action " + action});
    }

    /** The interface address must go when this node is not Master; the routing stays unless {@code unassign}. */
    @Override
    public boolean releasesByDefault() {
        return local != null || settings.unassign();
    }

    @Override
    public synchronized boolean clearStale() throws ProviderException {
        return local != null && local.remove();
    }

    @Override
    public synchronized void release() throws ProviderException {
        if (local != null && local.remove()) {
            LOG.log(Level.INFO, "VRRP_Instance({0}) hetzner: {1} removed", new Object[] {context.instanceName(),
                    local.describe()});
        }
        if (!settings.unassign()) {
            return;
        }
        long deadline = deadline();
        actions.forget();
        if (!classify(read(deadline)).isSelf()) {
            return;
        }
        HcloudApi.Action action;
        try {
            action = calls.call(() -> api.unassign(floatingIpId), deadline);
        } catch (CloudApiError e) {
            if (e.status() == 423 || e.status() == 409 || e.status() == 422) {
                Holder now = classify(read(deadline)); // the peer's assign running, or done: look again
                if (!now.isSelf()) {
                    LOG.log(Level.INFO, "VRRP_Instance({0}) hetzner: {1} already moved on ({2})",
                            new Object[] {context.instanceName(), named, now});
                    return;
                }
            }
            throw translate(e, Call.UNASSIGN, serverId);
        }
        actions.await(actions.start(action.id(), "unassign", serverId), deadline);
        LOG.log(Level.INFO, "VRRP_Instance({0}) hetzner: {1} unassigned from server {2} (action {3})",
                new Object[] {context.instanceName(), named, String.valueOf(serverId), String.valueOf(action.id())});
    }

    private HcloudApi.FloatingIp read(long deadline) throws ProviderException {
        try {
            return calls.call(() -> api.floatingIp(floatingIpId), deadline);
        } catch (CloudApiError e) {
            throw translate(e, Call.READ, serverId);
        }
    }

    Holder classify(HcloudApi.FloatingIp f) {
        return classify(f.server(), serverId, false);
    }

    enum Call { READ, SERVER, LIST, ASSIGN, HAND_OVER, UNASSIGN, ACTION }

    /** One line for the operator: what failed, the API's code and message, and what to do. */
    ProviderException translate(CloudApiError e, Call call, long server) {
        return HcloudErrors.translate(e, switch (call) {
            case READ -> "GET /v1/floating_ips/" + floatingIpId;
            case SERVER -> "GET /v1/servers/" + server;
            case LIST -> "GET /v1/servers";
            case ASSIGN -> "assign of " + named + " to server " + server;
            case HAND_OVER -> "hand-over of " + named + " to server " + server;
            case UNASSIGN -> "unassign of " + named + " from server " + server;
            case ACTION -> "GET of an action of " + named;
        }, call, named, tokenHint());
    }

    private String tokenHint() {
        return tokenHint(settings.tokenFile(), HetznerProviderFactory.TOKEN_ENV);
    }

    /** The client, then the interface address's socket. */
    @Override
    protected void closeApi() {
        api.close();
        if (local != null) {
            local.close();
        }
    }

    @Override
    public String toString() {
        return "hetzner " + describe();
    }
}
