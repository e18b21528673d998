package io.floatd.vrrp.config;

/** A value read from the file and the {@link Sources} position it was read at. */
record Located<T>(T value, int line) {
}
