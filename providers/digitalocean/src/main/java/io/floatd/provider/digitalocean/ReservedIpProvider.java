package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ActionPoll;
import io.floatd.vrrp.provider.CloudApiError;
import io.floatd.vrrp.provider.CloudIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.provider.RateLimitedCalls;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * A DigitalOcean reserved IP assigned to this droplet.
 *
 * <ul>
 *   <li>{@link #holder()}: {@code GET /v2/reserved_ips/{ip}}: its {@code droplet.id} is ours (SELF), or one of the
 *       droplet's IPv4 addresses (public or private) is a {@code unicast_peer} (PEER), or another droplet (OTHER), or
 *       {@code droplet} is null (NOBODY).</li>
 *   <li>{@link #acquire()}: the same GET (skipped by {@link #acquire(Holder)}, which reuses the orchestrator's
 *       read), then (unless it is already ours) {@code POST .../actions
 *       {"type":"assign","droplet_id":N}}, then {@code GET .../actions/{id}} until the action is {@code completed}
 *       or {@code errored}, within {@link DoClientOptions#actionTimeout()}.</li>
 *   <li>{@link #release()}: the same GET, then {@code {"type":"unassign"}} only when it is still ours, and the
 *       action polled likewise.</li>
 *   <li>{@link #handOver}: {@code {"type":"assign","droplet_id":PEER}} with the peer's droplet ({@link DoPeers}),
 *       polled likewise.</li>
 * </ul>
 *
 * <p>A holder that is a peer's droplet ({@link DoPeers}: found by the peer's address, or named by
 * {@code peer_droplet_id}) is the PEER too, whatever addresses it shows.
 *
 * <p>An assignment is asynchronous: while its action runs the IP is locked and the API answers 422 to any other
 * action. When floatd's orchestrator cuts an {@code acquire} short (its attempt timeout) while this node's action
 * is still running, the next attempt resumes polling that action instead of sending a second assign.
 *
 * <p>Release race: the API's {@code unassign} names no droplet. If the peer's assign completes between this node's
 * GET and its unassign, the unassign removes the peer's fresh assignment; the peer, as Master, sees NOBODY at its
 * next holder re-check and assigns again. While the peer's action is running, the IP is locked and the unassign is
 * refused with 422, which is recognised and left alone. That window is one round trip wide, and it exists only when
 * {@code release} is configured: by default a reserved IP stays where it is until the next Master takes it.
 *
 * <p>A reserved IPv6 (issue 16; {@code address 2a03:b0c0:...}, {@link DoSettings#ipv6()}) moves the same way through
 * {@code /v2/reserved_ipv6/{ip}} and {@code /v2/reserved_ipv6/{ip}/actions}, with two differences the API's
 * specification makes (github.com/digitalocean/openapi, {@code specification/resources/reserved_ipv6/}): its object
 * has no {@code locked} field, so an action cut short is found still running by reading the action itself, and its
 * actions are read at {@code GET /v2/actions/{id}}, which needs the token's {@code actions:read} (checked at start
 * with one {@code GET /v2/actions?per_page=1}).
 */
final class ReservedIpProvider extends CloudIpProvider {
    private static final Logger LOG = Logger.getLogger(ReservedIpProvider.class.getName());

    private final DoSettings settings;
    private final long dropletId;
    private final DoApi api;
    private final Set<String> peers;
    private final DoPeers peerIds;
    private final RateLimitedCalls calls;
    /** The assign or unassign this node started and has not seen finish. */
    private final ActionPoll<DoApi.Action> actions;
    private final String ip;
    /** {@code reserved IP 203.0.113.50} or {@code reserved IPv6 2a03:b0c0::50}, for messages. */
    private final String named;
    /** A reserved IPv6: its reads show no lock, and its actions are read at {@code /v2/actions/{id}}. */
    private final boolean ipv6;
    /** The IP as {@link #holder()} last read it, for the {@link #acquire(Holder)} that follows; used once. */
    private volatile DoApi.ReservedIp lastRead;

    ReservedIpProvider(DoSettings settings, ProviderContext context, long dropletId, DoApi api, DoClientOptions options) {
        super(context, options.actionTimeout());
        this.settings = settings;
        this.dropletId = dropletId;
        this.api = api;
        this.ip = settings.address();
        this.ipv6 = settings.ipv6();
        this.named = (ipv6 ? "reserved IPv6 " : "reserved IP ") + ip;
        this.calls = new RateLimitedCalls(ReservedIpProvider.class.getName(), DigitalOceanProviderFactory.NAME,
                context.instanceName(), "as the API asks", "waiting for the API rate limit to reset");
        this.actions = new ActionPoll<>(DigitalOceanProviderFactory.NAME, named, actionTimeout, options.pollInterval(),
                calls, p -> api.action(ip, p.actionId()), (e, p) -> translate(e, Call.ACTION),
                (p, a) -> "errored at DigitalOcean (droplet " + p.target() + ")");
        this.peers = context.peers().stream().map(InetAddress::getHostAddress).collect(Collectors.toUnmodifiableSet());
        this.peerIds = new DoPeers(context.instanceName(), dropletId, context.peers(), settings.peerDropletIds(),
                this::dropletPage, actionTimeout);
    }

    @Override
    protected DoPeers peerIds() {
        return peerIds;
    }

    private DoApi.DropletPage dropletPage(String next, long deadline) throws ProviderException {
        try {
            return calls.call(() -> api.droplets(next, DoPeers.PER_PAGE), deadline);
        } catch (CloudApiError e) {
            throw translate(e, Call.LIST);
        }
    }

    /** One read of the IP (which opens the connection and checks the token) and one of this droplet. */
    void warmUp() throws ProviderException {
        long deadline = deadline();
        read(deadline);
        try {
            calls.call(() -> {
                api.droplet(dropletId);
                return null;
            }, deadline);
        } catch (CloudApiError e) {
            throw translate(e, Call.DROPLET);
        }
        if (ipv6) {
            // the actions of a reserved IPv6 are followed at /v2/actions/{id}: a token without actions:read would
            // assign and then fail to see the outcome
            try {
                calls.call(() -> {
                    api.firstAction();
                    return null;
                }, deadline);
            } catch (CloudApiError e) {
                throw translate(e, Call.ACTIONS);
            }
        }
    }

    @Override
    protected String describe() {
        return named + " for droplet " + dropletId + " (/v2/" + api.paths() + ")";
    }

    long dropletId() {
        return dropletId;
    }

    DoSettings settings() {
        return settings;
    }

    DoApi api() {
        return api;
    }

    @Override
    public Holder holder() throws ProviderException {
        DoApi.ReservedIp current = read(deadline());
        lastRead = current;
        return classify(current);
    }

    @Override
    public synchronized void acquire() throws ProviderException {
        assign(null);
    }

    /**
     * With the holder the orchestrator has just read through {@link #holder()}: that read is reused, so the assign
     * is the next request. If the IP became ours in between (it cannot: only this node assigns it to itself), the
     * API's 422 is recognised as success below.
     */
    @Override
    public synchronized void acquire(Holder seen) throws ProviderException {
        assign(seen == null || seen.isSelf() ? null : lastRead);
    }

    /** The assign, after reading the IP unless {@code known} is a read just made. */
    private void assign(DoApi.ReservedIp known) throws ProviderException {
        long deadline = deadline();
        ActionPoll.Pending p = actions.recent(dropletId);
        DoApi.ReservedIp current = known;
        if (p != null && p.what().equals("assign")) {
            boolean running;
            if (ipv6) {
                // a reserved IPv6 shows no lock: ask the action itself
                running = !actions.once(p, deadline).done();
            } else {
                if (current == null) {
                    current = read(deadline);
                }
                running = current.locked();
            }
            if (running) {
                // an earlier attempt was cut short while our assign was running: follow it, do not send another
                actions.await(p, deadline);
                return;
            }
            // finished: that action may be an earlier takeover's, whose IP has moved on since: judge by the read,
            // never by the old action's outcome
        }
        actions.forget();
        if (current == null) {
            current = read(deadline);
        }
        lastRead = null;
        Holder before = classify(current);
        if (before.isSelf()) {
            return;
        }
        if (current.locked()) {
            throw new ProviderException("digitalocean: " + named + " is locked by a pending action (holder: "
                    + before + "); trying again", true);
        }
        Long action = assignTo(dropletId, "assign", deadline);
        if (action == null) {
            return;
        }
        LOG.log(Level.INFO, "VRRP_Instance({0}) digitalocean: {1} assigned to droplet {2} (action {3}), "
                + "was {4}", new Object[] {context.instanceName(), named, String.valueOf(dropletId), String.valueOf(action), before});
    }

    /**
     * {@code POST .../actions {"type":"assign","droplet_id":droplet}}, then its action polled until it is done.
     * Returns the action's id, or null when the API answered 422 because the IP is on that droplet already (then
     * there was nothing to do).
     */
    private Long assignTo(long droplet, String type, long deadline) throws ProviderException {
        DoApi.Action action;
        try {
            action = calls.call(() -> api.assign(ip, droplet), deadline);
        } catch (CloudApiError e) {
            if (e.status() == 422 && Long.valueOf(droplet).equals(read(deadline).dropletId())) {
                LOG.log(Level.INFO, "VRRP_Instance({0}) digitalocean: {1} was already assigned to droplet "
                        + "{2} (422: {3})", new Object[] {context.instanceName(), named, String.valueOf(droplet), e.errorMessage()});
                return null;
            }
            throw translate(e, type.equals("assign") ? Call.ASSIGN : Call.HAND_OVER, droplet);
        }
        actions.await(actions.start(action.id(), type, droplet), deadline);
        return action.id();
    }

    /**
     * Assigns the IP to the peer's droplet at once (the caller has just read it on this node), and follows the
     * action as {@link #acquire()} does.
     */
    @Override
    public synchronized void handOver(InetAddress peer) throws ProviderException {
        long to = peerIds.handOverTarget(peer, named, "droplet");
        actions.forget();
        lastRead = null;
        Long action = assignTo(to, "hand-over", deadline());
        LOG.log(Level.INFO, "VRRP_Instance({0}) digitalocean: {1} handed over to peer {2} (droplet {3}{4})",
                new Object[] {context.instanceName(), named, peer.getHostAddress(), String.valueOf(to),
                        action == null ? "" : ", action " + action});
    }

    @Override
    public synchronized void release() throws ProviderException {
        long deadline = deadline();
        actions.forget();
        DoApi.ReservedIp current = read(deadline);
        if (!classify(current).isSelf()) {
            return;
        }
        DoApi.Action action;
        try {
            action = calls.call(() -> api.unassign(ip), deadline);
        } catch (CloudApiError e) {
            if (e.status() == 422) {
                // locked by the peer's assign, or already moved: look again before judging
                Holder now = classify(read(deadline));
                if (!now.isSelf()) {
                    LOG.log(Level.INFO, "VRRP_Instance({0}) digitalocean: {1} already moved on ({2})",
                            new Object[] {context.instanceName(), named, now});
                    return;
                }
            }
            throw translate(e, Call.UNASSIGN);
        }
        actions.await(actions.start(action.id(), "unassign", dropletId), deadline);
        LOG.log(Level.INFO, "VRRP_Instance({0}) digitalocean: {1} unassigned from droplet {2} (action {3})",
                new Object[] {context.instanceName(), named, String.valueOf(dropletId), String.valueOf(action.id())});
    }

    private DoApi.ReservedIp read(long deadline) throws ProviderException {
        try {
            return calls.call(() -> api.reservedIp(ip), deadline);
        } catch (CloudApiError e) {
            throw translate(e, Call.READ);
        }
    }

    /** Its droplet is ours, or a peer's when one of its IPv4 addresses is a unicast_peer or it is a peer's. */
    Holder classify(DoApi.ReservedIp r) {
        return classify(r.dropletId(), dropletId, r.dropletIpv4().stream().anyMatch(peers::contains));
    }

    enum Call { READ, DROPLET, LIST, ASSIGN, HAND_OVER, UNASSIGN, ACTION, ACTIONS }

    /** One line for the operator: what failed, the API's id and message, and what to do. */
    ProviderException translate(CloudApiError e, Call call) {
        return translate(e, call, dropletId);
    }

    /** {@link #translate(CloudApiError, Call)} of an assign to {@code target}. */
    private ProviderException translate(CloudApiError e, Call call, long target) {
        String what = switch (call) {
            case READ -> "GET /v2/" + api.paths() + "/" + ip;
            case DROPLET -> "GET /v2/droplets/" + dropletId;
            case LIST -> "GET /v2/droplets";
            case ASSIGN -> "assign of " + named + " to droplet " + target;
            case HAND_OVER -> "hand-over of " + named + " to droplet " + target;
            case UNASSIGN -> "unassign of " + named + " from droplet " + dropletId;
            case ACTION -> ipv6 ? "GET /v2/actions/{id} (the action of " + named + ")" : "GET of an action of " + named;
            case ACTIONS -> "GET /v2/actions";
        };
        String detail = e.describe();
        String request = e.requestId().isEmpty() ? "" : " [request " + e.requestId() + "]";
        int s = e.status();
        if (s == 0) {
            return new ProviderException("digitalocean: " + what + " failed: " + detail, true);
        }
        if (s == 401) {
            return ProviderException.fatal("digitalocean: the API token was refused (" + detail + "): check "
                    + tokenHint() + request);
        }
        if (s == 403) {
            return ProviderException.fatal("digitalocean: " + what + " is forbidden for this token (" + detail
                    + "): the token needs read and update access to reserved IPs and read access to droplets"
                    + (ipv6 ? " and actions (scopes reserved_ip:read, reserved_ip:update, droplet:read, actions:read)"
                            : "") + request);
        }
        if (s == 404) {
            return ProviderException.fatal(switch (call) {
                case READ -> "digitalocean: " + named + " not found (" + detail + "): check address in "
                        + "floating_ip (a reserved " + (ipv6 ? "IPv6" : "IP") + " of this account)";
                case DROPLET -> "digitalocean: droplet " + dropletId + " not found (" + detail + "): check droplet_id "
                        + "in floating_ip, or the metadata service";
                case ACTION, ACTIONS -> "digitalocean: " + what + ": not found (" + detail + ")";
                default -> "digitalocean: " + what + ": " + (ipv6 ? "reserved IPv6" : "reserved IP")
                        + " or droplet not found (" + detail + ")";
            } + request);
        }
        if (s == 422) {
            String m = (e.errorMessage() + " " + e.code()).toLowerCase(Locale.ROOT);
            if (m.contains("pending") || m.contains("lock") || m.contains("progress")) {
                return new ProviderException("digitalocean: " + what + " refused while " + named
                        + " has a pending action (" + detail + "); trying again" + request, true);
            }
            return ProviderException.fatal("digitalocean: " + what + " refused (" + detail + ")" + request);
        }
        if (s == 429) {
            return new ProviderException("digitalocean: " + what + " rate limited (" + detail + ")"
                    + (e.retryAfter() != null ? "; the limit resets in " + e.retryAfter().toSeconds() + " s" : "")
                    + request, true);
        }
        if (s >= 500) {
            return new ProviderException("digitalocean: " + what + " failed (" + detail + ")" + request, true);
        }
        return ProviderException.fatal("digitalocean: " + what + " failed (" + detail + ")" + request);
    }

    private String tokenHint() {
        return tokenHint(settings.tokenFile(), DigitalOceanProviderFactory.TOKEN_ENV);
    }

    @Override
    protected void closeApi() {
        api.close();
    }

    @Override
    public String toString() {
        return "digitalocean " + describe();
    }
}
