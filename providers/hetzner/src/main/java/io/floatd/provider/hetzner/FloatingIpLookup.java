package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.CloudApiError;
import io.floatd.vrrp.provider.ProviderException;
import java.time.Duration;

/**
 * Finds the block's floating IP at start: {@code GET /v1/floating_ips/{id}} for {@code floating_ip_id} (checked
 * against {@code address} when both are written), else the list ({@code GET /v1/floating_ips}, page by page), whose
 * entry is the address itself (IPv4) or the /64 that holds it (IPv6).
 */
final class FloatingIpLookup {
    static final int PER_PAGE = 50;
    static final int MAX_PAGES = 100;

    private final HcloudApi api;
    private final Duration budget;

    FloatingIpLookup(HcloudApi api, Duration budget) {
        this.api = api;
        this.budget = budget;
    }

    HcloudApi.FloatingIp find(HetznerSettings settings) throws ProviderException {
        long deadline = System.nanoTime() + budget.toNanos();
        if (settings.floatingIpId() != null) {
            HcloudApi.FloatingIp f = call(() -> api.floatingIp(settings.floatingIpId()), deadline,
                    "GET /v1/floating_ips/" + settings.floatingIpId(), "floating IP " + settings.floatingIpId());
            if (settings.address() != null && !HetznerProviderFactory.matches(f, settings.address())) {
                throw ProviderException.fatal("hetzner: floating_ip_id " + f.id() + " is " + f.ip() + ", not address "
                        + settings.address() + ": remove one of the two, or make them agree");
            }
            return f;
        }
        Integer page = 1;
        int read = 0;
        while (page != null && read < MAX_PAGES) {
            int p = page;
            HcloudApi.Page<HcloudApi.FloatingIp> list = call(() -> api.floatingIps(p, PER_PAGE), deadline,
                    "GET /v1/floating_ips", "the floating IP list");
            for (HcloudApi.FloatingIp f : list.items()) {
                if (HetznerProviderFactory.matches(f, settings.address())) {
                    return f;
                }
            }
            page = list.nextPage();
            read++;
        }
        throw ProviderException.fatal("hetzner: no floating IP of the token's project is " + settings.address()
                + (page != null ? " among the first " + read * PER_PAGE : "") + ": check address in floating_ip (or name "
                + "it by floating_ip_id)");
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws CloudApiError;
    }

    /** One call; a 429 waits for the bucket's next request while the budget allows. */
    private <T> T call(Call<T> c, long deadline, String what, String named) throws ProviderException {
        while (true) {
            try {
                return c.run();
            } catch (CloudApiError e) {
                long wait = e.retryAfter() != null ? e.retryAfter().toNanos() : 1_000_000_000L;
                if (e.status() == 429 && System.nanoTime() + wait < deadline) {
                    try {
                        Thread.sleep(Duration.ofNanos(wait));
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new ProviderException("hetzner: interrupted while reading " + named, true);
                    }
                    continue;
                }
                throw HcloudErrors.translate(e, what, HetznerFloatingIpProvider.Call.READ, named, "the API token");
            }
        }
    }
}
