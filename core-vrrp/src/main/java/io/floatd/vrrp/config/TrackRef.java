package io.floatd.vrrp.config;

/** One {@code NAME [weight W [reverse|noreverse]]} line of a track_* block, resolved once the whole file is read. */
record TrackRef(String name, Integer weight, Boolean reverse, int line) {
}
