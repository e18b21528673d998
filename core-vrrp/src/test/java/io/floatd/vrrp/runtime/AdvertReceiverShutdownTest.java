package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.BlockedCall;
import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.transport.UdpTransport;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The advert receiver waits with no timeout (an idle daemon's receiver never wakes) and still stops at shutdown. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdvertReceiverShutdownTest {
    @Test
    void receiverSleepsInPollWithNoTimeoutAndStopsPromptlyWhenItsTransportCloses() throws Exception {
        Netns.requireRoot();
        try (Lan lan = Lan.create("arx", 1); VrrpLoop loop = new VrrpLoop(NanoClock.SYSTEM)) {
            InetAddress address = InetAddress.getByName(Lan.address(0));
            UdpTransport transport = lan.host(0).runInside(() -> UdpTransport.open(address, Lan.IFNAME, 5210, null, null));
            AdvertReceiver receiver = new AdvertReceiver(transport, address, loop, new DropCounters());
            Thread rx = Thread.ofPlatform().name("vrrp-rx-test").start(receiver);
            assertTrue(BlockedCall.pollsWithoutTimeout("vrrp-rx-test"), "an idle receiver has no timeout to wake it");
            // the daemon's close: stop, then the transport's close, whose eventfd ends the wait
            receiver.stop();
            transport.close();
            rx.join(5_000);
            assertFalse(rx.isAlive(), "the receiver ended with its transport's close");
        }
    }
}
