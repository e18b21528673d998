/** The thin driver around the pure state machine: one loop thread, timers, sockets in, actions out. */
package io.floatd.vrrp.runtime;
