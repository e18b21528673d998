package io.floatd.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Whether a request is meant for this endpoint, before anything else is looked at. A web page the operator opens can
 * make the browser send requests to 127.0.0.1: through DNS rebinding (a name of the attacker's that now resolves to
 * 127.0.0.1, so the browser sends {@code Host: attacker.example}) or as a cross-site request (which carries the page's
 * {@code Origin}). So {@code Host} must name the address the connection arrived at ({@code 127.0.0.1}, {@code [::1]},
 * {@code localhost} on loopback, or the host given in {@code --status-address}), with this port or none; and an
 * {@code Origin}, when present, must be this endpoint's own ({@code http://127.0.0.1:9798}). No name is resolved.
 */
final class EndpointGuard {
    private final String configuredHost;

    /** @param configuredHost the host of {@code --status-address} as typed (a name or an address) */
    EndpointGuard(String configuredHost) {
        this.configuredHost = configuredHost.toLowerCase(Locale.ROOT);
    }

    /** Null when {@code host} (a Host header) names this endpoint, else why not. */
    String checkHost(String host, InetSocketAddress local) {
        if (host == null) {
            return null; // HTTP/1.0 without Host: not a browser (browsers always send it)
        }
        return ownAuthority(host.strip(), local, local.getPort()) ? null
                : "Host '" + printable(host) + "' is not this endpoint (" + authority(local) + ")";
    }

    /** Null when there is no Origin or it is this endpoint's own, else why not. */
    String checkOrigin(String origin, InetSocketAddress local) {
        if (origin == null) {
            return null;
        }
        String o = origin.strip();
        boolean own = o.regionMatches(true, 0, "http://", 0, 7)
                && ownAuthority(o.substring(7).endsWith("/") ? o.substring(7, o.length() - 1) : o.substring(7), local, 80);
        return own ? null : "Origin '" + printable(origin) + "' is not this endpoint's (http://" + authority(local) + ")";
    }

    /** {@code name[:port]} or {@code [v6][:port]}; without a port, {@code defaultPort}. */
    private boolean ownAuthority(String authority, InetSocketAddress local, int defaultPort) {
        String a = authority.toLowerCase(Locale.ROOT);
        String name;
        String port = null;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            if (end < 0) {
                return false;
            }
            name = a.substring(1, end);
            String rest = a.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return false;
                }
                port = rest.substring(1);
            }
        } else {
            int colon = a.indexOf(':');
            if (colon >= 0 && a.indexOf(':', colon + 1) >= 0) {
                return false; // an IPv6 address must be in brackets
            }
            name = colon < 0 ? a : a.substring(0, colon);
            port = colon < 0 ? null : a.substring(colon + 1);
        }
        int p;
        try {
            p = port == null ? defaultPort : Integer.parseInt(port);
        } catch (NumberFormatException e) {
            return false;
        }
        return p == local.getPort() && ownName(name, local.getAddress());
    }

    private boolean ownName(String name, InetAddress local) {
        if (name.equals(configuredHost) || name.equals("[" + configuredHost + "]")) {
            return true;
        }
        if (name.equals("localhost")) {
            return local.isLoopbackAddress();
        }
        if (!name.matches("[0-9a-f:.]+")) {
            return false; // a name: never resolved, so never this endpoint unless configured
        }
        try {
            return InetAddress.ofLiteral(name).equals(local);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String authority(InetSocketAddress local) {
        String h = local.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + local.getPort();
    }

    private static String printable(String s) {
        String t = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return t.replaceAll("[\\p{Cntrl}]", "?");
    }
}
