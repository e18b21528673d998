package io.floatd.vrrp.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.LogLines;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every provider's peer look-up shares: what a failed or a clean answer does to what is known, and the log. */
class PeerDirectoryTest {
    private static final InetAddress PEER = address("10.0.0.2");
    private static final InetAddress NAMED = address("10.0.0.3");

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cloud's answers, in order: an identity, "none", or a failure. */
    private final Deque<Object> answers = new ArrayDeque<>();

    /** A cloud whose look-up gives the next of {@link #answers}. */
    private final class TableCloud extends PeerDirectory<String> {
        TableCloud(Map<InetAddress, String> named) {
            super("VI_1", List.of(PEER, NAMED), named, new PeerDirectory.Wording<>("cloud",
                    (id, fromBlock) -> "server " + id + (fromBlock ? " (named)" : ""), "among the servers",
                    "GET /servers", "peer_server_id", "io.floatd.vrrp.provider.test"));
        }

        @Override
        protected Map<String, Found<String>> lookUp(List<String> addresses) throws ProviderException {
            Object next = answers.removeFirst();
            if (next instanceof ProviderException e) {
                throw e;
            }
            return Map.of(PEER.getHostAddress(), next.equals("none") ? Found.none("no server has it")
                    : Found.of((String) next));
        }
    }

    private PeerDirectory<String> directory(Map<InetAddress, String> named) {
        return new TableCloud(named);
    }

    @Test
    void aFailedLookUpKeepsWhatWasKnownAndACleanNotFoundForgetsIt() throws Exception {
        try (LogLines logs = new LogLines("io.floatd.vrrp.provider.test");
                PeerDirectory<String> d = directory(Map.of(NAMED, "s-9"))) {
            answers.add("s-1");
            d.refresh();
            assertEquals(Optional.of("s-1"), d.of(PEER));
            assertEquals(Optional.of("s-9"), d.of(NAMED));
            answers.add(ProviderException.fatal("cloud: 403 forbidden"));
            d.refresh();
            assertEquals(Optional.of("s-1"), d.of(PEER), "a failed call says nothing new");
            answers.add("none");
            d.refresh();
            assertEquals(Optional.empty(), d.of(PEER), "a clean not-found forgets the peer");
            assertTrue(d.isUnicastPeer(PEER) && d.isUnicastPeer(NAMED) && !d.isUnicastPeer(address("10.0.0.4")));
            List<String> lines = logs.lines().stream().filter(l -> l.contains("cloud: ")).toList();
            assertEquals(List.of("VRRP_Instance(VI_1) cloud: peer 10.0.0.2 is server s-1",
                    "VRRP_Instance(VI_1) cloud: peer 10.0.0.3 is server s-9 (named)",
                    "VRRP_Instance(VI_1) cloud: cannot find peer 10.0.0.2 among the servers (no server has it): an IP "
                            + "found on it counts as a stranger's (taken back with backoff, never yielded to) and this "
                            + "node cannot hand the IP over to it (stepping down, it releases the IP instead); set "
                            + "floating_ip { peer_server_id ... } to name it"), lines, "one line per peer and change");
        }
    }

    @Test
    void startWithoutTheCloudKnowsTheNamedPeersAtOnceAndAsksLater() {
        try (PeerDirectory<String> d = directory(Map.of(NAMED, "s-9"))) {
            d.start(false);
            assertEquals(Optional.of("s-9"), d.of(NAMED));
            assertFalse(d.of(PEER).isPresent());
            assertTrue(answers.isEmpty(), "no call at start: the warm-up already waited for a time-out");
        }
    }
}
