package io.floatd.vrrp.config;

import java.util.Objects;

/**
 * One {@code track_file} entry of an instance.
 *
 * @param file the {@code track_file} block it names
 * @param weight the entry's weight, else the block's (-254..254)
 * @param reverse the entry's {@code reverse}, else the block's
 */
public record TrackedFile(TrackFileConfig file, int weight, boolean reverse) {
    public TrackedFile {
        Objects.requireNonNull(file, "file");
        VrrpScriptConfig.checkWeight("track_file weight", weight, TrackFileConfig.MAX_WEIGHT);
    }

    public String name() {
        return file.name();
    }
}
