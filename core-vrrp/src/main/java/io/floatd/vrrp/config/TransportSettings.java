package io.floatd.vrrp.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * floatd's {@code transport { udp [port N] [auth_key_file PATH] }} in a vrrp_instance: how adverts travel.
 * The default is VRRP over IP protocol 112, as in keepalived.
 *
 * @param udp true for VRRP inside UDP datagrams between the unicast peers
 * @param port the UDP port on both peers
 * @param keyFile where the HMAC key was read from; null when adverts are not signed
 * @param key the HMAC-SHA256 key (the file's bytes, without a trailing newline); null when unsigned. Never printed.
 */
public record TransportSettings(boolean udp, int port, Path keyFile, byte[] key) {
    public static final int DEFAULT_UDP_PORT = 5112;
    public static final int MIN_KEY_LENGTH = 32;
    private static final TransportSettings PROTOCOL_112 = new TransportSettings(false, 0, null, null);

    public TransportSettings {
        if (udp && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("transport udp port must be 1-65535, but was " + port);
        }
        if ((keyFile == null) != (key == null)) {
            throw new IllegalArgumentException("auth key and its file go together");
        }
        key = key == null ? null : key.clone();
    }

    public static TransportSettings protocol112() {
        return PROTOCOL_112;
    }

    public boolean signed() {
        return key != null;
    }

    @Override
    public byte[] key() {
        return key == null ? null : key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransportSettings t && udp == t.udp && port == t.port && Objects.equals(keyFile, t.keyFile)
                && java.security.MessageDigest.isEqual(key == null ? new byte[0] : key, t.key == null ? new byte[0] : t.key)
                && (key == null) == (t.key == null);
    }

    @Override
    public int hashCode() {
        return Objects.hash(udp, port, keyFile);
    }

    @Override
    public String toString() {
        if (!udp) {
            return "protocol 112";
        }
        return "udp port " + port + (keyFile == null ? "" : ", HMAC-SHA256 key from " + keyFile + " (****)");
    }


}
