package io.floatd.vrrp.config;

import java.util.Set;

/**
 * The provider tables core's own tests parse with: core names no provider, and the provider modules depend on core,
 * so core's tests install stand-ins with the shipped providers' names and several-word keywords
 * ({@code META-INF/services/io.floatd.vrrp.config.FloatingIpKeywords} in core's test resources; left out of core's
 * test-jar, since the other modules have the real ones).
 */
public final class StandInProviders {
    private StandInProviders() {
    }

    public static final class LinuxL2 implements FloatingIpKeywords {
        @Override
        public String name() {
            return "linux-l2";
        }

        @Override
        public boolean isDefault() {
            return true;
        }
    }

    public static final class Aws implements FloatingIpKeywords {
        @Override
        public String name() {
            return "aws";
        }

        @Override
        public Set<String> listKeys() {
            return Set.of("peer_instance_id", "route_table");
        }
    }

    public static final class DigitalOcean implements FloatingIpKeywords {
        @Override
        public String name() {
            return "digitalocean";
        }

        @Override
        public Set<String> listKeys() {
            return Set.of("peer_droplet_id");
        }
    }
}
