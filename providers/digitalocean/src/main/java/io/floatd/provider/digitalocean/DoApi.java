package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ActionPoll;
import io.floatd.vrrp.provider.CloudApiError;
import java.util.List;

/**
 * The few DigitalOcean API calls the provider makes, in floatd's own types: whatever client library does the HTTP
 * work stays behind this interface. Every call is one HTTP request, without retries.
 */
interface DoApi extends AutoCloseable {

    /**
     * A reserved IP as the API shows it. {@code locked} is the IPv4 object's field; a reserved IPv6 has none (its
     * specification lists {@code ip}, {@code reserved_at}, {@code region_slug}, {@code droplet}), so it is false.
     */
    record ReservedIp(String ip, Long dropletId, String dropletName, List<String> dropletIpv4, boolean locked) {
        public ReservedIp {
            dropletIpv4 = List.copyOf(dropletIpv4);
        }
    }

    /** An action (assign, unassign) and its status: {@code in-progress}, {@code completed} or {@code errored}. */
    record Action(long id, String status) implements ActionPoll.Action {
        /** Completed. */
        @Override
        public boolean succeeded() {
            return "completed".equals(status);
        }

        /** Errored. */
        @Override
        public boolean failed() {
            return "errored".equals(status);
        }

        /** Completed or errored: no longer running. */
        boolean done() {
            return succeeded() || failed();
        }
    }

    /** One IPv4 address of a droplet and its {@code type}: {@code public} or {@code private} (the VPC's). */
    record Ipv4(String ip, String type) {
    }

    /** A droplet as {@code GET /v2/droplets} lists it: its id, name, VPC ({@code vpc_uuid}, or null) and IPv4s. */
    record ListedDroplet(long id, String name, String vpcUuid, List<Ipv4> v4) {
        public ListedDroplet {
            v4 = List.copyOf(v4);
        }
    }

    /**
     * One page of {@code GET /v2/droplets}.
     *
     * @param next the next page's URL as {@code links.pages.next} gives it, or null on the last page
     * @param total {@code meta.total}: all the droplets of the account
     */
    record DropletPage(List<ListedDroplet> droplets, String next, int total) {
        public DropletPage {
            droplets = List.copyOf(droplets);
        }
    }

    /** {@code GET /v2/reserved_ips/{ip}} (or {@code /v2/floating_ips/{ip}}, or {@code /v2/reserved_ipv6/{ip}}). */
    ReservedIp reservedIp(String ip) throws CloudApiError;

    /** {@code GET /v2/droplets/{id}}: fails with 404 when there is no such droplet. */
    void droplet(long id) throws CloudApiError;

    /**
     * {@code GET /v2/droplets?page=1&per_page=N} when {@code next} is null, else the page that a previous answer's
     * {@code links.pages.next} named.
     */
    DropletPage droplets(String next, int perPage) throws CloudApiError;

    /** {@code POST /v2/reserved_ips/{ip}/actions {"type":"assign","droplet_id":N}} (or {@code reserved_ipv6}). */
    Action assign(String ip, long dropletId) throws CloudApiError;

    /** {@code POST /v2/reserved_ips/{ip}/actions {"type":"unassign"}}. */
    Action unassign(String ip) throws CloudApiError;

    /**
     * {@code GET /v2/reserved_ips/{ip}/actions/{id}}; for a reserved IPv6 {@code GET /v2/actions/{id}}, the account's
     * action read, as the IPv6 endpoints have no per-address one.
     */
    Action action(String ip, long actionId) throws CloudApiError;

    /**
     * {@code GET /v2/actions?page=1&per_page=1}: one read of the account's actions, made at start for a reserved IPv6
     * (whose actions are followed there) so that a token without {@code actions:read} fails at once (403).
     */
    void firstAction() throws CloudApiError;

    /** The path family in use, for messages: {@code reserved_ips}, {@code floating_ips} or {@code reserved_ipv6}. */
    String paths();

    @Override
    void close();
}
