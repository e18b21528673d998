package io.floatd.provider.hetzner;

import io.floatd.vrrp.provider.CloudApiError;
import io.floatd.vrrp.provider.ProviderException;

/**
 * What each of Hetzner's error answers means for floatd (docs.hetzner.cloud, "Errors"): a bad token or a missing
 * resource is fatal with a line saying what to check; {@code locked} (423: an action runs on the resource),
 * {@code conflict} (409: it changed during the request), rate limiting (429), 5xx and I/O failures are worth trying
 * again.
 */
final class HcloudErrors {
    private HcloudErrors() {
    }

    static ProviderException translate(CloudApiError e, String what, HetznerFloatingIpProvider.Call call, String named,
            String tokenHint) {
        String detail = e.describe();
        int s = e.status();
        if (s == 0) {
            return new ProviderException("hetzner: " + what + " failed: " + detail, true);
        }
        if (s == 401) {
            return ProviderException.fatal("hetzner: the API token was refused (" + detail + "): check " + tokenHint);
        }
        if (s == 403) {
            return ProviderException.fatal("hetzner: " + what + " is forbidden for this token (" + detail + "): the "
                    + "token must be a Read & Write API token of the floating IP's project");
        }
        if (s == 404) {
            return ProviderException.fatal(switch (call) {
                case READ -> "hetzner: " + named + " not found (" + detail + "): check address or floating_ip_id in "
                        + "floating_ip (a floating IP of the token's project)";
                case SERVER -> "hetzner: " + what + ": server not found (" + detail + "): check server_id in "
                        + "floating_ip, or the metadata service";
                default -> "hetzner: " + what + ": not found (" + detail + ")";
            });
        }
        if (s == 423 || "locked".equals(e.code())) {
            return new ProviderException("hetzner: " + what + " refused while an action runs on " + named + " ("
                    + detail + "); trying again", true);
        }
        if (s == 409 || "conflict".equals(e.code())) {
            return new ProviderException("hetzner: " + what + " refused: " + named + " changed during the request ("
                    + detail + "); trying again", true);
        }
        if (s == 429) {
            return new ProviderException("hetzner: " + what + " rate limited (" + detail + ")"
                    + (e.retryAfter() != null ? "; the next request is allowed in " + e.retryAfter().toMillis() + " ms" : ""),
                    true);
        }
        if (s == 422) {
            // floating_ip_assigned and its like: the state moved under the request; the next attempt reads it again
            return new ProviderException("hetzner: " + what + " refused (" + detail + "); trying again", true);
        }
        if (s >= 500) {
            return new ProviderException("hetzner: " + what + " failed (" + detail + ")", true);
        }
        return ProviderException.fatal("hetzner: " + what + " failed (" + detail + ")");
    }
}
