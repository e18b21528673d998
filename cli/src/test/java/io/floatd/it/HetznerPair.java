package io.floatd.it;

import io.floatd.provider.hetzner.HetznerTestEndpoint;
import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the Hetzner pair tests ({@link HetznerFailoverTest}, {@link HetznerTakeoverBenchTest}) share: the endpoint in
 * the cloud's namespace knowing both servers (their private network IP is the node's {@code unicast_src_ip}), a
 * floating IPv4 and, when asked, a floating IPv6; floatd's config for a node; and the reads of the endpoint's log.
 */
final class HetznerPair {
    static final long FIP = 1001L;
    static final String IP = "203.0.113.77";
    static final long FIP6 = 1002L;
    static final String NET6 = "2001:db8:77::/64";
    static final long[] SERVER = {4711L, 4712L};

    private HetznerPair() {
    }

    /**
     * {@link HetznerTestEndpoint} on the eth0 address of {@code cloud} (host 2 of the {@link Lan}), knowing both
     * servers and {@link #FIP} (and {@link #FIP6} when {@code ipv6}); an assign succeeds {@code actionMillis} after
     * it started.
     */
    static HetznerTestEndpoint endpoint(Netns cloud, String token, boolean ipv6, long actionMillis) {
        HetznerTestEndpoint api = cloud.runInside(() -> new HetznerTestEndpoint(token,
                new InetSocketAddress(Lan.address(2), 0)));
        for (int node = 0; node < 2; node++) {
            api.server(SERVER[node], "lb-" + (node + 1), "192.0.2." + (10 + node), Lan.address(node));
        }
        api.floatingIp(FIP, IP);
        if (ipv6) {
            api.floatingIp(FIP6, NET6);
        }
        api.actionMillis(actionMillis);
        return api;
    }

    /**
     * {@code floatd run --provider hetzner} on {@code node} (0 or 1, unicast to the other), VRRPv3 with
     * {@code advert_int 0.1}; one floating_ip block naming the endpoint ({@code api_url}, {@code metadata_url}) and
     * {@code HCLOUD_ENDPOINT} pointing at it too (a wrong token in {@code HCLOUD_TOKEN}: the token file's counts).
     */
    static FloatdProcess startFloatd(Lan lan, HetznerTestEndpoint api, int node, int vrid, int priority,
            String address, Path tokenFile) {
        Map<String, String> env = Map.of("HCLOUD_ENDPOINT", api.uri().toString(),
                "HCLOUD_METADATA_URL", api.root().toString(), "HCLOUD_TOKEN", "not_this_one");
        return FloatdProcess.start(lan.host(node), env, script -> CloudPair.floatdConf("hetzner", node, vrid, priority,
                script, "", "address", address, "server_id", SERVER[node], "api_url", api.uri(), "metadata_url",
                api.root(), "token_file", tokenFile), "--provider", "hetzner");
    }

    /** The first successful assign to {@code server} at or after {@code afterEpochNanos}. */
    static HetznerTestEndpoint.Completion awaitSuccess(HetznerTestEndpoint api, long server, long afterEpochNanos,
            Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (HetznerTestEndpoint.Completion c : api.completions()) {
                if (c.command().equals("assign_floating_ip") && Long.valueOf(server).equals(c.server())
                        && c.status().equals("success") && c.atEpochNanos() >= afterEpochNanos) {
                    return c;
                }
            }
            FloatdProcess.sleep(10);
        }
        throw new AssertionError("no successful assign to server " + server + " within " + timeout + ": " + api.calls());
    }

    /** The first POST from {@code node} at or after {@code afterEpochNanos}. */
    static HetznerTestEndpoint.Request firstPost(HetznerTestEndpoint api, int node, long afterEpochNanos) {
        return api.requests().stream().filter(r -> r.method().equals("POST") && r.atEpochNanos() >= afterEpochNanos
                && r.clientAddress().equals(Lan.address(node))).findFirst()
                .orElseThrow(() -> new AssertionError("no assign from node" + node + ": " + api.calls()));
    }
}
