package io.floatd.vrrp.config;

import java.util.List;

/**
 * A check the parse runs on each instance once it is built, so that its errors come with the file's other errors,
 * in the one pass and in file:line order: {@code floatd check} and a reload pass the providers' check of the
 * {@code floating_ip} blocks (their keywords, the shared takeover keywords, the cloud's multicast rule), which needs
 * the provider modules the core does not depend on.
 */
@FunctionalInterface
public interface InstanceCheck {
    /** @return each problem at the file:line the user has to edit; empty when there is none */
    List<ConfigError> check(InstanceConfig instance);

    /**
     * The instance as the check leaves it, and its problems: a provider's check keeps what it typed of each block
     * ({@link FloatingIpSettings#typed()}, through {@link InstanceConfig#withFloatingIps}). By default the instance
     * as it is, with {@link #check}'s problems.
     */
    default Checked checked(InstanceConfig instance) {
        return new Checked(instance, check(instance));
    }

    /** What {@link #checked} returns. */
    record Checked(InstanceConfig instance, List<ConfigError> errors) {
        public Checked {
            java.util.Objects.requireNonNull(instance, "instance");
            errors = List.copyOf(errors);
        }
    }
}
