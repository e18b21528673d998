package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ApiToken;
import java.net.URI;

/**
 * Where the warm-up ({@link JitWarmUp}) and the test endpoint build their client: the one {@link DoApi} there is,
 * {@link HttpDoApi}. Kept so that the warm-up, owned elsewhere in issue 18, need not change with it.
 */
final class LibraryDoApi {
    private LibraryDoApi() {
    }

    static DoApi create(URI baseUrl, DoSettings.Paths paths, ApiToken token, DoClientOptions options) {
        return HttpDoApi.create(baseUrl, paths, token, options);
    }
}
