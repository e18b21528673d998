package io.floatd.provider.digitalocean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.floatd.vrrp.provider.ProviderException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code peer_droplet_id}: one id for the only peer, or ADDRESS=ID per peer, each a unicast_peer of the instance. */
class DoSettingsTest {
    private static final InetAddress A = DoFixture.ip("10.110.0.3");
    private static final InetAddress B = DoFixture.ip("10.110.0.4");

    private static DoSettings parse(List<InetAddress> peers, String peerDropletId) throws ProviderException {
        return DoSettings.parse(Map.of("provider", "digitalocean", "address", "203.0.113.50", "peer_droplet_id",
                peerDropletId), List.of(), peers, "VI_1");
    }

    @Test
    void aSingleIdNamesTheOnlyPeer() throws Exception {
        assertEquals(Map.of(A, 3164445L), parse(List.of(A), "3164445").peerDropletIds());
    }

    @Test
    void idsNamePeersByAddress() throws Exception {
        assertEquals(Map.of(A, 3164445L, B, 3164999L), parse(List.of(A, B), "10.110.0.3=3164445 10.110.0.4=3164999")
                .peerDropletIds());
        assertEquals(Map.of(B, 3164999L), parse(List.of(A, B), "10.110.0.4=3164999").peerDropletIds());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "3164445 | digitalocean: floating_ip peer_droplet_id: a single id needs exactly one unicast_peer, but VI_1 has 2 (name each: ADDRESS=ID ...)",
        "10.110.0.99=3164445 | digitalocean: floating_ip peer_droplet_id: 10.110.0.99 is not a unicast_peer of VI_1",
        "10.110.0.3=lb-2 | digitalocean: floating_ip peer_droplet_id: 'lb-2' is not a droplet's numeric id",
        "10.110.0.3=3164445 3164999 | digitalocean: floating_ip peer_droplet_id: '3164999' is not ADDRESS=ID (with more than one item, each names its unicast_peer)",
    })
    void badPeerDropletIdSaysWhy(String value, String expected) {
        ProviderException e = assertThrows(ProviderException.class, () -> parse(List.of(A, B), value));
        assertFalse(e.retryable());
        assertEquals(expected, e.getMessage());
    }
}
