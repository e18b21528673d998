package io.floatd.vrrp.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** The {@code global_defs} block: what applies to every instance. */
public final class GlobalDefs {
    /** keepalived's default {@code vrrp_version}. */
    public static final int DEFAULT_VRRP_VERSION = 2;

    private final String routerId;
    private final int vrrpVersion;

    private GlobalDefs(Builder builder) {
        this.routerId = builder.routerId != null ? builder.routerId : hostName();
        this.vrrpVersion = builder.vrrpVersion;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static GlobalDefs defaults() {
        return builder().build();
    }

    /** {@code router_id}: names this node in notifications and logs; defaults to the host name, as keepalived. */
    public String routerId() {
        return routerId;
    }

    /** {@code vrrp_version}: the version instances use unless they set {@code version}. */
    public int vrrpVersion() {
        return vrrpVersion;
    }

    // keepalived uses uname's node name; the kernel's copy avoids the DNS lookup InetAddress.getLocalHost() may do
    private static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GlobalDefs other && routerId.equals(other.routerId) && vrrpVersion == other.vrrpVersion;
    }

    @Override
    public int hashCode() {
        return Objects.hash(routerId, vrrpVersion);
    }

    @Override
    public String toString() {
        return "GlobalDefs[routerId=" + routerId + ", vrrpVersion=" + vrrpVersion + "]";
    }

    public static final class Builder {
        private String routerId;
        private int vrrpVersion = DEFAULT_VRRP_VERSION;

        private Builder() {
        }

        public Builder routerId(String routerId) {
            if (routerId == null || routerId.isBlank()) {
                throw new IllegalArgumentException("router_id must not be empty");
            }
            this.routerId = routerId;
            return this;
        }

        public Builder vrrpVersion(int vrrpVersion) {
            InstanceConfig.checkVersion("vrrp_version", vrrpVersion);
            this.vrrpVersion = vrrpVersion;
            return this;
        }

        public GlobalDefs build() {
            return new GlobalDefs(this);
        }
    }
}
