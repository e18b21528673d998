package io.floatd.vrrp.config;

import java.util.Objects;

/**
 * One {@code track_script} entry of an instance.
 *
 * @param script the {@code vrrp_script} it names
 * @param weight the entry's weight, else the script's
 * @param reverse the entry's {@code reverse}, else the script's
 */
public record TrackedScript(VrrpScriptConfig script, int weight, boolean reverse) {
    public TrackedScript {
        Objects.requireNonNull(script, "script");
        VrrpScriptConfig.checkWeight("track_script weight", weight, VrrpScriptConfig.MAX_WEIGHT);
    }

    public String name() {
        return script.name();
    }
}
