/** Logging shared by every module: {@link io.floatd.vrrp.log.RateLimitedLog}, one line per interval for what can repeat,
 * and {@link io.floatd.vrrp.log.Failures}, a failure in a user's words (no Java class names). */
package io.floatd.vrrp.log;
