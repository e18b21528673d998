/**
 * Read-only views of a running daemon for the status endpoint: a {@link io.floatd.vrrp.status.StatusSnapshot}
 * built from volatile fields and counters (never a round-trip through the VRRP loop), rendered as JSON
 * ({@link io.floatd.vrrp.status.StatusJson}) or the Prometheus text format ({@link io.floatd.vrrp.status.PrometheusText}).
 */
package io.floatd.vrrp.status;
