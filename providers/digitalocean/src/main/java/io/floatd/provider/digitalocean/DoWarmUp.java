package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ApiToken;
import io.floatd.vrrp.provider.CloudApiError;
import io.floatd.vrrp.provider.JitWarmUp;
import io.floatd.vrrp.provider.ProviderException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What core's {@link JitWarmUp} exercises for the digitalocean provider, as the AWS provider does for EC2: a takeover
 * every few days otherwise runs the library's request building, Apache HttpClient and the JSON parsing in the
 * interpreter. The takeover's three calls (read the reserved IP, assign it, read the action; for a reserved IPv6 the
 * same three at its own paths) go through a client built as the real one ({@link HttpDoApi#create}, same API
 * paths), against answers from memory in the API's JSON shapes. The token is a fixed fake. Once per JVM and endpoint
 * family: a reserved IPv6's calls run different code (gson, not the library).
 */
final class DoWarmUp implements JitWarmUp.Exercise {
    private static final String IP = "192.0.2.10";
    private static final String IPV6 = "2001:db8:f0::10";
    private static final long DROPLET = 100000001L;
    private static final String DROPLET_JSON = """
            {"id":100000001,"name":"warm-up","memory":1024,"vcpus":1,"disk":25,"locked":false,"status":"active",\
            "created_at":"2024-05-01T12:00:00Z","features":["private_networking"],"backup_ids":[],"snapshot_ids":[],\
            "volume_ids":[],"size_slug":"s-1vcpu-1gb","networks":{"v4":[{"ip_address":"10.110.0.2",\
            "netmask":"255.255.240.0","gateway":"10.110.0.1","type":"private"},{"ip_address":"192.0.2.20",\
            "netmask":"255.255.240.0","gateway":"192.0.2.1","type":"public"}],"v6":[]},\
            "region":{"name":"New York 3","slug":"nyc3","features":["metadata"],"available":true,"sizes":[]},\
            "tags":[],"vpc_uuid":"5a4981aa-9653-4bd1-bef5-d6bff52042e4"}""";
    private static final String REGION_JSON =
            "{\"name\":\"New York 3\",\"slug\":\"nyc3\",\"features\":[\"metadata\"],\"available\":true,\"sizes\":[]}";

    private final DoSettings.Paths paths;
    private final DoClientOptions options;

    DoWarmUp(DoSettings.Paths paths, DoClientOptions options) {
        this.paths = paths;
        this.options = options;
    }

    @Override
    public String key() {
        return DigitalOceanProviderFactory.NAME + "/" + paths;
    }

    /** Drives the three calls {@code rounds} times against {@code endpoint}; returns the rounds done. */
    @Override
    public int run(URI endpoint, Duration callTimeout, int rounds) throws ProviderException, CloudApiError {
        ApiToken fake = ApiToken.of(DigitalOceanProviderFactory.NAME, "dop_v1_warm_up_only_not_a_token", "the JIT warm-up");
        try (DoApi api = HttpDoApi.create(endpoint, paths, fake, options.withAttemptTimeout(callTimeout))) {
            String ip = paths == DoSettings.Paths.RESERVED_IPV6 ? IPV6 : IP;
            for (int i = 0; i < rounds; i++) {
                api.reservedIp(ip);
                DoApi.Action a = api.assign(ip, DROPLET);
                api.action(ip, a.id());
            }
        }
        return rounds;
    }

    /** The API's answers, from memory: the reserved IP, a new assign action (in progress), the action completed. */
    @Override
    public JitWarmUp.Reply answer(String method, String path, byte[] body) {
        String family = path.contains("/reserved_ipv6/") ? "reserved_ipv6"
                : path.contains("/reserved_ips/") ? "reserved_ip" : "floating_ip";
        String json;
        int status = 200;
        if (method.equals("POST") && path.endsWith("/actions")) {
            status = 201;
            json = action("in-progress", family);
        } else if (method.equals("GET") && path.contains("/actions/")) {
            json = action("completed", path.startsWith("/v2/actions/") ? "reserved_ipv6" : family);
        } else if (family.equals("reserved_ipv6")) {
            json = "{\"reserved_ipv6\":{\"ip\":\"" + IPV6 + "\",\"reserved_at\":\"2024-05-01T12:00:00Z\","
                    + "\"region_slug\":\"nyc3\",\"droplet\":" + DROPLET_JSON + "}}";
        } else {
            json = "{\"" + family + "\":{\"ip\":\"" + IP + "\",\"droplet\":" + DROPLET_JSON + ",\"region\":" + REGION_JSON
                    + ",\"locked\":false,\"project_id\":\"746c6152-2fa2-11ed-92d3-27aaa54e4988\"}}";
        }
        return new JitWarmUp.Reply(status, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String action(String status, String family) {
        return "{\"action\":{\"id\":36804745,\"status\":\"" + status + "\",\"type\":\"assign_ip\","
                + "\"started_at\":\"2024-05-01T12:00:00Z\",\"completed_at\":"
                + (status.equals("completed") ? "\"2024-05-01T12:00:02Z\"" : "null")
                + ",\"resource_id\":3221226010,\"resource_type\":\"" + family + "\",\"region\":" + REGION_JSON
                + ",\"region_slug\":\"nyc3\"}}";
    }
}
