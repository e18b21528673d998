/**
 * The Linux system calls floatd makes through the Foreign Function &amp; Memory API: libc socket and descriptor
 * calls ({@link io.floatd.ffm.Libc}), file system calls ({@link io.floatd.ffm.FileCalls}), socket structures and
 * interface look-ups ({@link io.floatd.ffm.Structs}), reusable receive and send buffers, and the one checked exception
 * every call throws, {@link io.floatd.ffm.NativeException} (with the call's errno).
 */
package io.floatd.ffm;
