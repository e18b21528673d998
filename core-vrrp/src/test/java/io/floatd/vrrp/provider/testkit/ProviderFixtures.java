package io.floatd.vrrp.provider.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every provider's test fixture needs: addresses, settings with overrides, contexts, clean error lines. */
public final class ProviderFixtures {
    private ProviderFixtures() {
    }

    public static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** {@code base} (in order) with {@code kv}'s pairs put over it; a null value removes the key. */
    public static Map<String, String> settings(Map<String, String> base, String... kv) {
        Map<String, String> m = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                m.remove(kv[i]);
            } else {
                m.put(kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    /** Instance VI_1 on {@code ifname}, unicast from {@code self} to {@code peers}. */
    public static ProviderContext context(String ifname, String self, List<String> peers, Map<String, String> settings) {
        return new ProviderContext("VI_1", ifname, List.of(), ip(self), peers.stream().map(ProviderFixtures::ip).toList(),
                settings);
    }

    private static final java.util.regex.Pattern JAVA_NAME = java.util.regex.Pattern.compile(
            "\\b(?:java|javax|software\\.amazon|org\\.apache|io\\.netty)\\.[a-z]|\\b[A-Z][A-Za-z0-9]*(?:Exception|Error): ");

    /**
     * One line, starting with {@code prefix}, with no Java class name; none of {@code secrets} in it or in any of its
     * causes.
     */
    public static void assertClean(ProviderException e, String prefix, String... secrets) {
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
        assertTrue(m.startsWith(prefix), m);
        // issue 17: no Java class name in a line the user reads (an EC2 error code such as "(ThrottlingException)" is
        // the API's word, not a class name followed by its message)
        assertFalse(JAVA_NAME.matcher(m).find(), "a Java class name in: " + m);
        for (Throwable t = e; t != null; t = t.getCause()) {
            String tm = String.valueOf(t.getMessage()) + " " + t;
            for (String secret : secrets) {
                assertFalse(tm.contains(secret), "secret in: " + tm);
            }
        }
    }
}
