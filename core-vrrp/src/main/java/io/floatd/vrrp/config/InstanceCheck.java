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
}
