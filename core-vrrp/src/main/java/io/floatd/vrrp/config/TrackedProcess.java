package io.floatd.vrrp.config;

import java.util.Objects;

/**
 * One {@code track_process} entry of an instance.
 *
 * @param process the {@code vrrp_track_process} block it names
 * @param weight the entry's weight, else the block's (-254..254)
 * @param reverse the entry's {@code reverse}/{@code noreverse}, else the block's
 */
public record TrackedProcess(TrackProcessConfig process, int weight, boolean reverse) {
    public TrackedProcess {
        Objects.requireNonNull(process, "process");
        VrrpScriptConfig.checkWeight("track_process weight", weight, TrackProcessConfig.MAX_WEIGHT);
    }

    public String name() {
        return process.name();
    }
}
