package io.floatd.vrrp.runtime;

import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.provider.ProviderException;
import java.util.Optional;

/** {@code virtual_routes} and {@code virtual_rules} are applied by the linux-l2 provider only; others refuse them. */
final class RoutesWiring {
    static final String LINUX_L2 = "linux-l2";

    private RoutesWiring() {
    }

    /** {@code file:line: message} when the instance has routes or rules that its provider would not apply. */
    static Optional<String> problem(InstanceConfig ic, String providerName) {
        if (providerName.equals(LINUX_L2) || (ic.virtualRoutes().isEmpty() && ic.virtualRules().isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(ic.file() + ":" + ic.line() + ": vrrp_instance " + ic.name() + ": virtual_routes and"
                + " virtual_rules are applied by the linux-l2 provider only; provider " + providerName
                + " would leave them out (a cloud's routing tables are not this node's)");
    }

    static void refuseOutsideLinux(InstanceConfig ic, String providerName) throws ProviderException {
        Optional<String> p = problem(ic, providerName);
        if (p.isPresent()) {
            throw ProviderException.fatal(p.get());
        }
    }
}
