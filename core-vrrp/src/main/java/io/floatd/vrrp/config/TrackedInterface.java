package io.floatd.vrrp.config;

import java.util.Objects;

/**
 * One {@code track_interface} entry: a link whose loss means FAULT (weight 0) or moves the priority.
 *
 * @param name the interface
 * @param weight -253..253; default 0
 * @param reverse {@code weight W reverse}
 */
public record TrackedInterface(String name, int weight, boolean reverse) {
    public TrackedInterface {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("track_interface name must not be empty");
        }
        VrrpScriptConfig.checkWeight("track_interface weight", weight, VrrpScriptConfig.MAX_WEIGHT);
    }
}
