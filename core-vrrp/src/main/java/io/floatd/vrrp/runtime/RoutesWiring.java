package io.floatd.vrrp.runtime;

import io.floatd.vrrp.config.FloatingIpKeywords;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.provider.ProviderException;
import java.util.Optional;

/**
 * {@code virtual_routes} and {@code virtual_rules} are applied by the default provider only (linux-l2,
 * {@link FloatingIpKeywords#isDefault()}); others refuse them.
 */
final class RoutesWiring {
    /** The provider that applies routes and rules: the installed default one. */
    static final String LINUX_L2 = FloatingIpKeywords.defaultProvider();

    private RoutesWiring() {
    }

    /** {@code file:line: message} when the instance has routes or rules that its provider would not apply. */
    static Optional<String> problem(InstanceConfig ic, String providerName) {
        if (providerName.equals(LINUX_L2) || (ic.virtualRoutes().isEmpty() && ic.virtualRules().isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(ic.file() + ":" + ic.line() + ": vrrp_instance " + ic.name() + ": virtual_routes and"
                + " virtual_rules are applied by the " + LINUX_L2 + " provider only; provider " + providerName
                + " would leave them out (a cloud's routing tables are not this node's)");
    }

    static void refuseOutsideLinux(InstanceConfig ic, String providerName) throws ProviderException {
        Optional<String> p = problem(ic, providerName);
        if (p.isPresent()) {
            throw ProviderException.fatal(p.get());
        }
    }
}
