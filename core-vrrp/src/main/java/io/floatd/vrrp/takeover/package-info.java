/** Moves the floating IP when the election says so: off the VRRP loop, one operation at a time, newest intent wins. */
package io.floatd.vrrp.takeover;
