/** Logging shared by every module: {@link io.floatd.vrrp.log.RateLimitedLog}, one line per interval for what can repeat. */
package io.floatd.vrrp.log;
