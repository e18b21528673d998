package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.codec.AddressListCheck;
import io.floatd.vrrp.codec.AdvertCheck;
import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.codec.VrrpPacket;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.MulticastSettings;
import io.floatd.vrrp.fsm.VrrpParams;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.fsm.VrrpStateMachine;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.transport.MemoryWire;
import io.floatd.vrrp.transport.ReceivedDatagram;
import io.floatd.vrrp.transport.VrrpTransport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two daemons without unicast_peer on an in-process segment that carries multicast: the whole receive path
 * (group destination, any sender, address list, counters) and the election over the VRRP group. The sockets and
 * the wire (TTL 255, 224.0.0.18 / ff02::12) are proven against keepalived in the namespace interop test.
 */
class MulticastDaemonTest {
    private static final InetAddress A = ip("192.0.2.1");
    private static final InetAddress B = ip("192.0.2.2");
    private static final InetAddress STRANGER = ip("192.0.2.66");
    private static final InetAddress GROUP = MulticastSettings.DEFAULT_GROUP_V4;
    private static final List<InetAddress> VIPS = List.of(ip("203.0.113.10"));

    private final MemoryWire wire = new MemoryWire();
    private final List<VrrpDaemon> daemons = new ArrayList<>();

    @AfterEach
    void close() {
        daemons.forEach(VrrpDaemon::close);
    }

    private static String conf(int priority, InetAddress self, String extra) {
        return """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    advert_int 0.1
                    version 3
                    mcast_src_ip %s
                    virtual_ipaddress {
                        203.0.113.10
                    }
                    %s
                }
                """.formatted(priority, self.getHostAddress(), extra);
    }

    private VrrpDaemon start(String text, String node) throws Exception {
        FloatdConfig config = ConfigParser.parse(text, node + ".conf");
        FloatingIpProviderFactory factory = new FloatingIpProviderFactory() {
            @Override
            public String name() {
                return "noop";
            }

            @Override
            public FloatingIpProvider create(ProviderContext context) {
                return new FloatingIpProvider() {
                    @Override
                    public Holder holder() {
                        return Holder.nobody();
                    }

                    @Override
                    public void acquire() {
                    }

                    @Override
                    public void release() {
                    }
                };
            }
        };
        DaemonOptions options = new DaemonOptions("noop", false, Duration.ofSeconds(5),
                (source, ifname) -> wire.attach(source), name -> Optional.of(factory), NanoClock.SYSTEM);
        VrrpDaemon d = VrrpDaemon.create(config, options);
        d.start();
        daemons.add(d);
        return d;
    }

    private static VrrpState state(VrrpDaemon d) {
        return d.instances().getFirst().runner().state().state();
    }

    @Test
    void twoNodesWithoutPeersElectOverTheGroupAndFailOver() throws Exception {
        VrrpDaemon a = start(conf(150, A, ""), "a");
        VrrpDaemon b = start(conf(100, B, ""), "b");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP);
        await(() -> A.equals(b.instances().getFirst().runner().state().masterAddress())); // heard over the group
        a.close();
        await(() -> state(b) == VrrpState.MASTER);
        assertEquals(0, b.drops().total(), b.drops().toString());
    }

    @Test
    void anAdvertFromAnyAddressOnTheSegmentCounts_Rfc5798_7_1() throws Exception {
        VrrpDaemon a = start(conf(150, A, ""), "a");
        await(() -> state(a) == VrrpState.MASTER);
        VrrpTransport stranger = wire.attach(STRANGER);
        byte[] higher = VrrpPacket.v3(51, 200, 10, VIPS).encode(STRANGER, GROUP);
        for (int i = 0; i < 5 && state(a) != VrrpState.BACKUP; i++) {
            stranger.send(GROUP, higher);
            Thread.sleep(50);
        }
        await(() -> state(a) == VrrpState.BACKUP);
        assertEquals(STRANGER, a.instances().getFirst().runner().state().masterAddress());
    }

    @Test
    void advertsWithAnotherAddressListAreDroppedAndCountedAndMoveNothing() throws Exception {
        VrrpDaemon a = start(conf(150, A, ""), "a");
        VrrpDaemon b = start(conf(100, B, ""), "b");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP);
        VrrpTransport stranger = wire.attach(STRANGER);
        byte[] noVip = VrrpPacket.v3(51, 255, 10, List.of(STRANGER)).encode(STRANGER, GROUP);
        byte[] otherVip = VrrpPacket.v3(51, 255, 10, List.of(ip("203.0.113.99"))).encode(STRANGER, GROUP);
        byte[] extraVip = VrrpPacket.v3(51, 255, 10, List.of(ip("203.0.113.10"), ip("203.0.113.11"))).encode(STRANGER, GROUP);
        for (int i = 0; i < 5; i++) {
            stranger.send(GROUP, noVip);
            stranger.send(GROUP, otherVip);
            stranger.send(GROUP, extraVip);
            Thread.sleep(100);
        }
        await(() -> a.drops().count(DropReason.ADDRESS_LIST_MISMATCH) == 10 && b.drops().count(DropReason.ADDRESS_LIST_MISMATCH) == 10);
        assertEquals(VrrpState.MASTER, state(a));
        assertEquals(VrrpState.BACKUP, state(b));
        for (VrrpDaemon d : List.of(a, b)) {
            // noVip: a list of one that lacks the VIP; otherVip the same; extraVip: count 2 for 1
            assertEquals(5, d.drops().count(DropReason.ADDRESS_COUNT_MISMATCH), d.drops().toString());
        }
    }

    @Test
    void skipCheckAdvAddrLetsTheBackupSkipTheListForItsMasterOnly() throws Exception {
        VrrpDaemon a = start(conf(150, A, ""), "a");
        VrrpDaemon b = start(conf(100, B, "skip_check_adv_addr"), "b");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP);
        await(() -> A.equals(b.instances().getFirst().runner().state().masterAddress()));
        // A stranger with a wrong list is still checked (not the Master b follows)
        VrrpTransport stranger = wire.attach(STRANGER);
        stranger.send(GROUP, VrrpPacket.v3(51, 255, 10, List.of(ip("203.0.113.99"))).encode(STRANGER, GROUP));
        await(() -> b.drops().count(DropReason.ADDRESS_LIST_MISMATCH) == 1);
        assertEquals(VrrpState.BACKUP, state(b));
        assertEquals(A, b.instances().getFirst().runner().state().masterAddress());
    }

    @Test
    void unicastToAMulticastInstanceIsDroppedAsUnexpectedDestination() throws Exception {
        VrrpDaemon a = start(conf(150, A, ""), "a");
        await(() -> state(a) == VrrpState.MASTER);
        VrrpTransport stranger = wire.attach(STRANGER);
        stranger.send(A, VrrpPacket.v3(51, 255, 10, VIPS).encode(STRANGER, A));
        await(() -> a.drops().count(DropReason.UNEXPECTED_DESTINATION) == 1);
        assertEquals(VrrpState.MASTER, state(a));
    }

    @Test
    void aReloadThatChangesTheGroupJoinsItAndListensThere() throws Exception {
        VrrpDaemon a = start(conf(150, A, ""), "a");
        VrrpDaemon b = start(conf(100, B, ""), "b");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP);
        // b alone on 224.0.0.19: it hears nobody there, so it becomes Master too (the split a wrong group makes)
        b.reload(ConfigParser.parse(conf(100, B, "mcast_dst_ip 224.0.0.19"), "b.conf"));
        await(() -> state(b) == VrrpState.MASTER);
        assertEquals(VrrpState.MASTER, state(a));
        // a follows: both on 224.0.0.19, b hears a again and yields
        a.reload(ConfigParser.parse(conf(150, A, "mcast_dst_ip 224.0.0.19"), "a.conf"));
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP);
        await(() -> A.equals(b.instances().getFirst().runner().state().masterAddress()));
    }

    @Test
    void ttlNot255IsDroppedAndCounted_Rfc5798_5_1_1_3() throws Exception {
        DropCounters drops = new DropCounters();
        VrrpLoop loop = new VrrpLoop(NanoClock.SYSTEM);
        AdvertReceiver receiver = new AdvertReceiver(null, A, loop, drops);
        InstanceRunner runner = new InstanceRunner(new VrrpStateMachine(
                new VrrpParams("VI_1", 3, 100, 10, true, 0, A, false)), priority -> { }, NanoClock.SYSTEM);
        receiver.listen(51, new AdvertReceiver.Listener(runner, new AdvertCheck(AdvertCheck.Expectations.v3(51, List.of(), 10)),
                GROUP, new AddressListCheck(VIPS, false)));
        byte[] advert = VrrpPacket.v3(51, 200, 10, VIPS).encode(STRANGER, GROUP);
        for (int ttl : new int[] {1, 64, 254}) {
            receiver.accept(new ReceivedDatagram(STRANGER, GROUP, ttl, 2, advert));
        }
        assertEquals(3, drops.count(DropReason.BAD_TTL));
        receiver.accept(new ReceivedDatagram(STRANGER, GROUP, 255, 2, advert));
        assertEquals(3, drops.total(), "TTL 255 from any sender passes: " + drops);
        // a multicast advert to another group than the instance's is not for it
        receiver.accept(new ReceivedDatagram(STRANGER, ip("224.0.0.19"), 255, 2,
                VrrpPacket.v3(51, 200, 10, VIPS).encode(STRANGER, ip("224.0.0.19"))));
        assertEquals(1, drops.count(DropReason.UNEXPECTED_DESTINATION));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not reached within 10 s");
            }
            Thread.sleep(5);
        }
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
