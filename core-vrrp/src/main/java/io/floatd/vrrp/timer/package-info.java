/**
 * Time: the injected monotonic clock every decision reads ({@code NanoClock}) and the RFC 3768 / RFC 5798 timer
 * arithmetic (Skew_Time, Master_Down_Interval, advertisement intervals), in nanoseconds.
 */
package io.floatd.vrrp.timer;
