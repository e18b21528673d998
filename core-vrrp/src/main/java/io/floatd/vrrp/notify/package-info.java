/**
 * keepalived-compatible notify hooks ({@code notify}, {@code notify_master}, ...): parsing the configured script
 * lines, running them with a timeout in their own process group and a clean environment, reading their output on
 * one shared thread, and dispatching them off the VRRP loop through a bounded queue per instance.
 */
package io.floatd.vrrp.notify;
