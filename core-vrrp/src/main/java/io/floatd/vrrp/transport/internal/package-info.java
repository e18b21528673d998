/**
 * FFM bindings behind the transports, the Linux provider and the files floatd reads and writes: socket and other libc
 * calls ({@code Libc}), file system calls ({@code FileCalls}) and socket structures ({@code Structs}). Not an API.
 */
package io.floatd.vrrp.transport.internal;
