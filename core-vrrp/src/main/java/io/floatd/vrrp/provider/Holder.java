package io.floatd.vrrp.provider;

import java.util.Objects;

/**
 * Who holds a floating IP, as last read from its provider.
 *
 * @param kind this node, a configured peer, some other node, or nobody
 * @param id the holder's identity as the provider names it (instance id, droplet id, interface), or empty
 */
public record Holder(Kind kind, String id) {
    public enum Kind { SELF, PEER, OTHER, NOBODY }

    public Holder {
        Objects.requireNonNull(kind, "kind");
        id = id == null ? "" : id;
    }

    public static Holder self(String id) {
        return new Holder(Kind.SELF, id);
    }

    public static Holder peer(String id) {
        return new Holder(Kind.PEER, id);
    }

    public static Holder other(String id) {
        return new Holder(Kind.OTHER, id);
    }

    public static Holder nobody() {
        return new Holder(Kind.NOBODY, "");
    }

    public boolean isSelf() {
        return kind == Kind.SELF;
    }

    @Override
    public String toString() {
        return id.isEmpty() ? kind.name().toLowerCase() : kind.name().toLowerCase() + " (" + id + ")";
    }
}
