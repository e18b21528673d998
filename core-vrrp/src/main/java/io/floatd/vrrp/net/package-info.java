/** Address text shared by the core's layers (the transports' log lines, the providers' API calls); no I/O. */
package io.floatd.vrrp.net;
