package io.floatd.vrrp.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * floatd's own {@code floating_ip { key value ... }} block: how the instance's addresses move (a provider and its
 * settings). Only {@code provider} is checked here, against the installed providers ({@link FloatingIpKeywords});
 * the provider named checks the rest, since only it knows them.
 *
 * <p>Equality compares {@link #values()} only: where the block was written is provenance, and a reload must not
 * see a change just because a comment moved the block down a line.
 *
 * @param values the key/value lines in file order; may hold secrets (API tokens), which {@link #toString()} masks
 * @param takeover the keywords every provider shares, typed ({@link TakeoverKeys})
 * @param file the file of the block, {@code null} when absent
 * @param line the line of the block, 0 when absent
 * @param typed what the block's provider made of it in the parse's check ({@link TypedProviderSettings}), or
 *     {@code null} when no check ran; not part of equality (it follows from {@code values})
 */
public record FloatingIpSettings(Map<String, String> values, TakeoverKeys takeover, String file, int line,
        TypedProviderSettings typed) {
    private static final FloatingIpSettings EMPTY = new FloatingIpSettings(Map.of(), null, 0);
    // over-matching costs a masked harmless value, under-matching a leaked credential
    private static final Pattern SENSITIVE = Pattern.compile("(?i).*(token|secret|pass|key|credential).*");

    public FloatingIpSettings {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        String provider = values.get("provider");
        if (provider != null) {
            FloatingIpKeywords.checkProvider(provider);
        }
    }

    /**
     * A block of these values, its shared keywords typed here.
     *
     * @throws IllegalArgumentException for an unknown provider or a bad value of a shared keyword
     */
    public FloatingIpSettings(Map<String, String> values, String file, int line) {
        this(values, TakeoverKeys.of(values), file, line, null);
    }

    /** A block not yet checked by its provider. */
    public FloatingIpSettings(Map<String, String> values, TakeoverKeys takeover, String file, int line) {
        this(values, takeover, file, line, null);
    }

    /** The same block with what its provider made of it. */
    public FloatingIpSettings withTyped(TypedProviderSettings settings) {
        return new FloatingIpSettings(values, takeover, file, line, settings);
    }

    /** The keywords that belong to the block's provider: all but {@code provider} and the shared ones. */
    public Map<String, String> providerValues() {
        Map<String, String> out = new LinkedHashMap<>(values);
        out.remove("provider");
        out.keySet().removeAll(TakeoverKeys.NAMES);
        return out;
    }

    public static FloatingIpSettings empty() {
        return EMPTY;
    }

    /** Whether a key's value should be masked when shown: {@code token}, {@code secret_access_key}, ... */
    static boolean isSensitive(String key) {
        return SENSITIVE.matcher(key).matches();
    }

    public Optional<String> provider() {
        return Optional.ofNullable(values.get("provider"));
    }

    /**
     * What the block moves, as written: its {@code address}, else its {@code allocation_id} (aws), else its
     * {@code floating_ip_id} (hetzner); empty when it names none (a linux-l2 block: the instance's virtual_ipaddress).
     */
    public Optional<String> address() {
        return Optional.ofNullable(values.get("address")).or(() -> Optional.ofNullable(values.get("allocation_id")))
                .or(() -> Optional.ofNullable(values.get("floating_ip_id")));
    }

    /** {@code file:line} of the block, for messages. */
    public String where() {
        return file + ":" + line;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatingIpSettings other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.entrySet().stream()
                .map(e -> e.getKey() + "=" + (isSensitive(e.getKey()) ? Secret.of(e.getValue()) : e.getValue()))
                .collect(Collectors.joining(", ", "FloatingIpSettings[", "]"));
    }
}
