/** RFC 3768 / RFC 5798 timer arithmetic: Skew_Time, Master_Down_Interval, advertisement intervals, in nanoseconds. */
package io.floatd.vrrp.timer;
