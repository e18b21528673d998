package io.floatd.vrrp.provider;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.function.Function;

/** A cloud API's or metadata service's base URL, from the configuration or the environment, checked once. */
public final class BaseUrl {
    private BaseUrl() {
    }

    /**
     * An {@code http://} or {@code https://} URL with a host and no query, fragment or user info.
     *
     * @param provider the provider's name, which starts the message
     * @param where where the value came from ({@code floating_ip api_url}, {@code HCLOUD_ENDPOINT}), for the message
     */
    public static URI check(String provider, String value, String where) throws ProviderException {
        try {
            URI u = new URI(value);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                    || u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
                throw new URISyntaxException(value, "not an http(s) base URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw ProviderException.fatal(provider + ": " + where + " must be an http:// or https:// base URL, but was '"
                    + value + "'");
        }
    }

    /**
     * The block's URL when it sets one, else the environment variable {@code envName}'s (checked), else
     * {@code fallback}.
     *
     * @param env the environment's value of a variable, or null when it is unset
     */
    public static URI fromConfigOrEnv(String provider, URI configured, String envName, Function<String, String> env,
            URI fallback) throws ProviderException {
        if (configured != null) {
            return configured;
        }
        String value = env.apply(envName);
        return value != null ? check(provider, value, envName) : fallback;
    }

    /** {@code base} without a trailing slash, then {@code path}. */
    public static URI resolve(URI base, String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
    }
}
