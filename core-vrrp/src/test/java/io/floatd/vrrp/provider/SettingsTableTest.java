package io.floatd.vrrp.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A provider's floating_ip keyword table: what it refuses, and in which order it reads. */
class SettingsTableTest {
    private static final SettingsTable<List<String>> TABLE = SettingsTable.<List<String>>of("cloud")
            .key("zone", (d, v) -> d.add("zone=" + TABLE().matching("zone", v, Pattern.compile("z\\d"), "a zone z<N>")))
            .listKey("peers", (d, v) -> d.add("peers=" + v))
            .build();

    private static SettingsTable<List<String>> TABLE() {
        return TABLE;
    }

    private static String refusal(Map<String, String> values) {
        return assertThrows(ProviderException.class, () -> TABLE.read(values, new ArrayList<>())).getMessage();
    }

    @Test
    void anUnknownKeywordIsRefusedNamingTheKnownOnes() {
        assertEquals("cloud: floating_ip unknown key 'zoen' (known: peers, provider, zone)", refusal(Map.of("zoen", "z1")));
    }

    @Test
    void anEmptyValueIsRefusedAndValuesAreStripped() throws ProviderException {
        assertEquals("cloud: floating_ip zone is empty", refusal(Map.of("zone", "  ")));
        assertEquals(List.of("zone=z1"), TABLE.read(Map.of("zone", " z1 "), new ArrayList<>()));
    }

    @Test
    void theProviderKeywordMustNameThisProvider() {
        assertEquals("cloud: floating_ip provider is 'aws', not cloud", refusal(Map.of("provider", "aws")));
    }

    @Test
    void handlersRunInTheTablesOrderSoTheSameErrorWinsWhateverTheLineOrder() throws ProviderException {
        Map<String, String> blockOrder = new LinkedHashMap<>();
        blockOrder.put("peers", "a b");
        blockOrder.put("zone", "z2");
        assertEquals(List.of("zone=z2", "peers=a b"), TABLE.read(blockOrder, new ArrayList<>()));
        assertEquals("cloud: floating_ip zone must be a zone z<N>, but was 'x'", refusal(Map.of("peers", "a", "zone", "x")));
    }

    @Test
    void theTableNamesItsKeywordsAndItsSeveralWordOnes() {
        assertEquals(Set.of("provider", "zone", "peers"), TABLE.keywords());
        assertEquals(Set.of("peers"), TABLE.listKeys());
        assertFalse(TABLE.listKeys().contains("zone"));
        assertThrows(IllegalArgumentException.class, () -> SettingsTable.<List<String>>of("c").key("a", (d, v) -> { })
                .key("a", (d, v) -> { }), "a keyword twice is a programming error");
    }
}
