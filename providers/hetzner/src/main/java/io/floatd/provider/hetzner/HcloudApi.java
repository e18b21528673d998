package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.ActionPoll;
import io.floatd.vrrp.provider.CloudApiError;
import java.util.List;

/**
 * The few Hetzner Cloud API calls the provider makes, in floatd's own types (the shapes of Hetzner's OpenAPI
 * specification, as hcloud-go's {@code hcloud/schema} has them). Every call is one HTTP request, without retries.
 */
interface HcloudApi extends AutoCloseable {

    /**
     * A floating IP: {@code ip} is an IPv4 address or, for {@code type} ipv6, a network ({@code 2001:db8:1::/64});
     * {@code server} the server it is assigned to, or null.
     */
    record FloatingIp(long id, String ip, String type, Long server) {
        boolean ipv6() {
            return "ipv6".equals(type);
        }
    }

    /** An action: {@code status} is {@code running}, {@code success} or {@code error} (then with its error's code). */
    record Action(long id, String command, String status, String errorCode, String errorMessage)
            implements ActionPoll.Action {
        @Override
        public boolean succeeded() {
            return "success".equals(status);
        }

        @Override
        public boolean failed() {
            return "error".equals(status);
        }
    }

    /** A server as {@code GET /v1/servers} lists it: its public IPv4 and its private networks' addresses. */
    record Server(long id, String name, String publicIpv4, List<PrivateNet> privateNets) {
        public Server {
            privateNets = List.copyOf(privateNets);
        }
    }

    /** One of a server's {@code private_net} entries: the network's id and the server's IP in it. */
    record PrivateNet(long network, String ip) {
    }

    /** One page of a list; {@code nextPage} is {@code meta.pagination.next_page}, or null on the last page. */
    record Page<T>(List<T> items, Integer nextPage) {
        public Page {
            items = List.copyOf(items);
        }
    }

    /** {@code GET /v1/floating_ips/{id}}. */
    FloatingIp floatingIp(long id) throws CloudApiError;

    /** {@code GET /v1/floating_ips?page=N&per_page=M}. */
    Page<FloatingIp> floatingIps(int page, int perPage) throws CloudApiError;

    /** {@code GET /v1/servers/{id}}. */
    Server server(long id) throws CloudApiError;

    /** {@code GET /v1/servers?page=N&per_page=M}. */
    Page<Server> servers(int page, int perPage) throws CloudApiError;

    /** {@code POST /v1/floating_ips/{id}/actions/assign {"server":N}}. */
    Action assign(long floatingIpId, long serverId) throws CloudApiError;

    /** {@code POST /v1/floating_ips/{id}/actions/unassign}. */
    Action unassign(long floatingIpId) throws CloudApiError;

    /** {@code GET /v1/floating_ips/actions/{id}}. */
    Action action(long actionId) throws CloudApiError;

    @Override
    void close();
}
