/** keepalived.conf syntax: the keyword tables, the parser and the immutable configuration it builds. */
package io.floatd.vrrp.config;
