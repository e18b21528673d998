package io.floatd.vrrp.config;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A provider's part of the {@code floating_ip { }} keyword table, contributed by the provider itself: core names no
 * provider. Every {@link io.floatd.vrrp.provider.FloatingIpProviderFactory} is one; the parser finds them through
 * {@link ServiceLoader} (each provider module lists its factory under this interface's name as well as under the
 * factory's), so the names {@code provider NAME} accepts are the providers of this build.
 */
public interface FloatingIpKeywords {

    /** The name used in {@code floating_ip { provider NAME }} and {@code --provider NAME}. */
    String name();

    /**
     * This provider's keywords whose value may be several words ({@code route_table rtb-0a1... rtb-0b2...}), kept in
     * {@link FloatingIpSettings#values()} joined by single spaces; every other keyword takes exactly one word.
     */
    default Set<String> listKeys() {
        return Set.of();
    }

    /**
     * Whether this is the provider of a block that names none: the one that moves the instance's virtual_ipaddress
     * on its interface (whatever else its block says) and applies its virtual_routes and virtual_rules.
     */
    default boolean isDefault() {
        return false;
    }

    /** The tables of this build's providers, found once. */
    static List<FloatingIpKeywords> installed() {
        return Installed.ALL;
    }

    /** The installed table named {@code name}. */
    static Optional<FloatingIpKeywords> find(String name) {
        return Installed.ALL.stream().filter(k -> k.name().equals(name)).findFirst();
    }

    /** The name of the {@link #isDefault() default} provider; empty in a build without one. */
    static String defaultProvider() {
        return Installed.ALL.stream().filter(FloatingIpKeywords::isDefault).map(FloatingIpKeywords::name).findFirst()
                .orElse("");
    }

    /** The keywords that take several words, of any installed provider (the block's provider may come later). */
    static boolean isListKey(String keyword) {
        return Installed.ALL.stream().anyMatch(k -> k.listKeys().contains(keyword));
    }

    /** @throws IllegalArgumentException naming the installed providers when {@code provider} is none of them */
    static void checkProvider(String provider) {
        if (find(provider).isEmpty()) {
            throw new IllegalArgumentException("provider must be one of " + Installed.ALL.stream()
                    .map(FloatingIpKeywords::name).sorted().collect(Collectors.joining(", ")) + ", but was '" + provider + "'");
        }
    }

    /** Loaded on first use: the class path does not change while floatd runs. */
    final class Installed {
        private static final List<FloatingIpKeywords> ALL = ServiceLoader.load(FloatingIpKeywords.class).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(FloatingIpKeywords::name))
                .toList();

        private Installed() {
        }
    }
}
