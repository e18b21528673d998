package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.ApiToken;
import io.floatd.vrrp.provider.JitWarmUp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What core's {@link JitWarmUp} exercises for the hetzner provider: the takeover's three calls (read the floating IP,
 * assign it, read the action) through a client built as the real one ({@link HttpHcloudApi#create}), against answers
 * from memory in the API's JSON shapes; the token is a fixed fake. IPv4 and IPv6 floating IPs take the same paths and
 * code, so one key serves both.
 */
final class HetznerWarmUp implements JitWarmUp.Exercise {
    private static final long FLOATING_IP = 4711L;
    private static final long SERVER = 42L;

    private final HetznerClientOptions options;

    HetznerWarmUp(HetznerClientOptions options) {
        this.options = options;
    }

    @Override
    public String key() {
        return HetznerProviderFactory.NAME;
    }

    @Override
    public int run(URI endpoint, Duration callTimeout, int rounds) throws Exception {
        ApiToken fake = ApiToken.of(HetznerProviderFactory.NAME, "warm_up_only_not_a_token", "the JIT warm-up");
        try (HcloudApi api = HttpHcloudApi.create(URI.create(endpoint + "/v1"), fake,
                options.withAttemptTimeout(callTimeout))) {
            for (int i = 0; i < rounds; i++) {
                api.floatingIp(FLOATING_IP);
                HcloudApi.Action a = api.assign(FLOATING_IP, SERVER);
                api.action(a.id());
            }
        }
        return rounds;
    }

    /** The floating IP, a new assign action (running), the action succeeded. */
    @Override
    public JitWarmUp.Reply answer(String method, String path, byte[] body) {
        String json;
        int status = 200;
        if (method.equals("POST") && path.endsWith("/actions/assign")) {
            status = 201;
            json = action("running", 0, "null");
        } else if (path.contains("/floating_ips/actions/")) {
            json = action("success", 100, "\"2016-01-30T23:55:01+00:00\"");
        } else {
            json = "{\"floating_ip\":{\"id\":4711,\"name\":\"warm-up\",\"description\":null,\"ip\":\"192.0.2.10\","
                    + "\"type\":\"ipv4\",\"server\":43,\"dns_ptr\":[{\"ip\":\"192.0.2.10\",\"dns_ptr\":\"warm.example\"}],"
                    + "\"home_location\":{\"id\":1,\"name\":\"fsn1\",\"description\":\"Falkenstein DC Park 1\","
                    + "\"country\":\"DE\",\"city\":\"Falkenstein\",\"latitude\":50.47612,\"longitude\":12.370071,"
                    + "\"network_zone\":\"eu-central\"},\"blocked\":false,\"protection\":{\"delete\":false},"
                    + "\"labels\":{},\"created\":\"2016-01-30T23:50:00+00:00\"}}";
        }
        return new JitWarmUp.Reply(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String action(String status, int progress, String finished) {
        return "{\"action\":{\"id\":13,\"command\":\"assign_floating_ip\",\"status\":\"" + status + "\",\"progress\":"
                + progress + ",\"started\":\"2016-01-30T23:55:00+00:00\",\"finished\":" + finished + ","
                + "\"resources\":[{\"id\":42,\"type\":\"server\"},{\"id\":4711,\"type\":\"floating_ip\"}],"
                + "\"error\":null}}";
    }
}
