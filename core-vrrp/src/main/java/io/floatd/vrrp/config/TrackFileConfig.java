package io.floatd.vrrp.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A top-level {@code track_file} (or its older name {@code vrrp_track_file}) block: a file holding an integer.
 *
 * @param name the block's name
 * @param file {@code file}
 * @param weight {@code weight}, -254..254; default 1 as in keepalived. With weight 0 a non-zero value means
 *        FAULT; otherwise value × weight is added to the priority, and a result at or below -254 means FAULT
 * @param reverse {@code weight W reverse}
 * @param initValue {@code init_file [VALUE]}: the value written at start-up, or {@code null} without init_file
 * @param overwrite {@code init_file ... overwrite}: write even when the file exists
 * @param line the block's line, 0 when not from a file
 */
public record TrackFileConfig(String name, Path file, int weight, boolean reverse, Long initValue, boolean overwrite,
        int line) {
    public static final int DEFAULT_WEIGHT = 1;
    public static final int MAX_WEIGHT = 254;

    public TrackFileConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        VrrpScriptConfig.checkWeight("weight", weight, MAX_WEIGHT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrackFileConfig t && name.equals(t.name) && file.equals(t.file) && weight == t.weight
                && reverse == t.reverse && Objects.equals(initValue, t.initValue) && overwrite == t.overwrite;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, file, weight, reverse, initValue, overwrite);
    }
}
