/** FFM bindings behind the transports and the Linux provider: libc calls ({@code Libc}) and socket structures ({@code Structs}). Not an API. */
package io.floatd.vrrp.transport.internal;
