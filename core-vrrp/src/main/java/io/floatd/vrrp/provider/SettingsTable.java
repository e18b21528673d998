package io.floatd.vrrp.provider;

import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A provider's {@code floating_ip} keyword table (issue 18): one handler per keyword, each reading its value into the
 * provider's draft of its settings, as core's block parsers do for keepalived's keywords. The table knows its
 * keywords (an unknown one is refused, naming the known ones), strips values and refuses empty ones; rules between
 * keywords belong to the provider, after {@link #read}.
 *
 * <p>Handlers run in the table's order, not the block's, so that of two bad values the same one is reported
 * whatever the order of the lines.
 *
 * @param <D> the provider's draft of its settings, filled by the handlers
 */
public final class SettingsTable<D> {

    /** Reads one keyword's value (stripped, never empty) into the draft. */
    @FunctionalInterface
    public interface Handler<D> {
        void read(D draft, String value) throws ProviderException;
    }

    /** A keyword's reading, with the instance's {@code unicast_peer}s and name for a {@code peer_..._id}. */
    @FunctionalInterface
    private interface Reader<D> {
        void read(SettingsTable<D> table, D draft, String value, List<InetAddress> peers, String instance)
                throws ProviderException;
    }

    private final String provider;
    private final Map<String, Reader<D>> handlers;
    private final Set<String> listKeys;

    private SettingsTable(String provider, Map<String, Reader<D>> handlers, Set<String> listKeys) {
        this.provider = provider;
        this.handlers = Collections.unmodifiableMap(handlers);
        this.listKeys = Set.copyOf(listKeys);
    }

    /** A table for {@code provider}, whose messages start {@code "provider: floating_ip "}. */
    public static <D> Builder<D> of(String provider) {
        return new Builder<>(provider);
    }

    /** The keywords of the table, {@code provider} included. */
    public Set<String> keywords() {
        return handlers.keySet();
    }

    /** The keywords whose value may be several words. */
    public Set<String> listKeys() {
        return listKeys;
    }

    /** {@link #read(Map, Object, List, String)} of a block without {@code unicast_peer}s. */
    public D read(Map<String, String> values, D draft) throws ProviderException {
        return read(values, draft, List.of(), "the instance");
    }

    /**
     * Reads a block's provider keywords into {@code draft}.
     *
     * @param peers the instance's {@code unicast_peer}s, which a {@code peer_..._id} names
     * @param instanceName the instance, for messages
     * @throws ProviderException (fatal) for an unknown keyword, an empty value or what a handler refuses
     */
    public D read(Map<String, String> values, D draft, List<InetAddress> peers, String instanceName)
            throws ProviderException {
        for (String key : values.keySet()) {
            if (!handlers.containsKey(key)) {
                throw bad("unknown key '" + key + "' (known: " + String.join(", ", new TreeSet<>(handlers.keySet())) + ")");
            }
        }
        for (Map.Entry<String, Reader<D>> e : handlers.entrySet()) {
            String value = values.get(e.getKey());
            if (value == null) {
                continue;
            }
            value = value.strip();
            if (value.isEmpty()) {
                throw bad(e.getKey() + " is empty");
            }
            e.getValue().read(this, draft, value, peers, instanceName);
        }
        return draft;
    }

    /** The one-line error of this provider's block: {@code "aws: floating_ip " + what}. */
    public ProviderException bad(String what) {
        return ProviderException.fatal(provider + ": floating_ip " + what);
    }

    /**
     * {@code value} when it matches {@code pattern}.
     *
     * @throws ProviderException {@code "KEY must be WHAT, but was 'VALUE'"}
     */
    public String matching(String key, String value, Pattern pattern, String what) throws ProviderException {
        if (!pattern.matcher(value).matches()) {
            throw bad(key + " must be " + what + ", but was '" + value + "'");
        }
        return value;
    }

    /**
     * {@code value} as an absolute path.
     *
     * @throws ProviderException {@code "KEY must be an absolute path, but was 'VALUE'"}
     */
    public java.nio.file.Path absolutePath(String key, String value) throws ProviderException {
        java.nio.file.Path p;
        try {
            p = java.nio.file.Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            p = null;
        }
        if (p == null || !p.isAbsolute()) {
            throw bad(key + " must be an absolute path, but was '" + value + "'");
        }
        return p;
    }

    /**
     * {@code yes}/{@code true}/{@code on} or {@code no}/{@code false}/{@code off}, as keepalived reads a flag.
     *
     * @throws ProviderException {@code "KEY must be yes or no, but was 'VALUE'"}
     */
    public boolean yesNo(String key, String value) throws ProviderException {
        return switch (value) {
            case "yes", "true", "on" -> true;
            case "no", "false", "off" -> false;
            default -> throw bad(key + " must be yes or no, but was '" + value + "'");
        };
    }

    /** A {@code peer_..._id} value ({@link PeerIds}), each id matching {@code pattern} and converted by {@code id}. */
    private <I> Map<InetAddress, I> peerIds(String key, String value, Pattern pattern, String what,
            Function<String, I> id, List<InetAddress> peers, String instance) throws ProviderException {
        try {
            Map<InetAddress, I> ids = new LinkedHashMap<>();
            PeerIds.parse(key, value, w -> pattern.matcher(w).matches(), what, peers, instance)
                    .forEach((a, w) -> ids.put(a, id.apply(w)));
            return ids;
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    /** Builds a table, keywords in the order their handlers are added. */
    public static final class Builder<D> {
        private final String provider;
        private final Map<String, Reader<D>> handlers = new LinkedHashMap<>();
        private final Set<String> listKeys = new TreeSet<>();

        private Builder(String provider) {
            this.provider = provider;
            handlers.put("provider", (table, draft, value, peers, instance) -> {
                if (!value.equals(provider)) {
                    throw ProviderException.fatal(provider + ": floating_ip provider is '" + value + "', not " + provider);
                }
            });
        }

        /** A keyword taking one word. */
        public Builder<D> key(String keyword, Handler<D> handler) {
            return reader(keyword, (table, draft, value, peers, instance) -> handler.read(draft, value));
        }

        private Builder<D> reader(String keyword, Reader<D> reader) {
            if (handlers.putIfAbsent(keyword, reader) != null) {
                throw new IllegalArgumentException("keyword " + keyword + " is in the table twice");
            }
            return this;
        }

        /** A keyword whose value may be several words, joined by single spaces. */
        public Builder<D> listKey(String keyword, Handler<D> handler) {
            listKeys.add(keyword);
            return key(keyword, handler);
        }

        /**
         * A {@code peer_..._id} keyword ({@link PeerIds}: one id, or {@code ADDRESS=ID ...}), each id matching
         * {@code pattern}, converted by {@code id} and checked against the instance's {@code unicast_peer}s.
         *
         * @param what how an id looks, for messages ({@code a droplet's numeric id})
         * @param into where the ids go, by peer address
         */
        public <I> Builder<D> peerIdsKey(String keyword, Pattern pattern, String what, Function<String, I> id,
                BiConsumer<D, Map<InetAddress, I>> into) {
            listKeys.add(keyword);
            return reader(keyword, (table, draft, value, peers, instance) ->
                    into.accept(draft, table.peerIds(keyword, value, pattern, what, id, peers, instance)));
        }

        public SettingsTable<D> build() {
            return new SettingsTable<>(provider, handlers, listKeys);
        }
    }
}
