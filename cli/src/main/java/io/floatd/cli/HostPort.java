package io.floatd.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/** {@code HOST:PORT} (IPv6 as {@code [::1]:PORT}) for the status endpoint; {@code off} where allowed. */
record HostPort(String host, int port) {
    static final String DEFAULT = "127.0.0.1:9798";

    static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + text + "': write an IPv6 address as [ADDR]:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': the port is out of 0..65535");
        }
        return new HostPort(host, port);
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** For URLs and messages: IPv6 in brackets. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Picocli converter: a bad value is a usage error (exit 2). */
    static final class Converter implements CommandLine.ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** As {@link Converter}, with {@code off} meaning "no endpoint" (null). */
    static final class OrOff implements CommandLine.ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            return "off".equalsIgnoreCase(value) ? null : new Converter().convert(value);
        }
    }
}
