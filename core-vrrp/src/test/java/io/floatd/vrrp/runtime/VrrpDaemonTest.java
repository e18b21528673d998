package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.codec.DropReason;
import io.floatd.vrrp.codec.VrrpPacket;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.transport.MemoryWire;
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
 * Two complete daemons (parser, codec, receive checks, state machine, loop, takeover) on an in-process wire,
 * with a provider that records who holds the IP. The raw-socket path is proven in the namespace tests.
 */
class VrrpDaemonTest {
    private static final InetAddress A = ip("192.0.2.1");
    private static final InetAddress B = ip("192.0.2.2");
    private static final InetAddress STRANGER = ip("192.0.2.66");

    private final MemoryWire wire = new MemoryWire();
    private final List<VrrpDaemon> daemons = new ArrayList<>();
    private final List<String> cloud = new ArrayList<>();
    /** The nodes whose provider was asked to look its peers up again, in order. */
    private final List<String> refreshed = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile String holder;

    @AfterEach
    void close() {
        daemons.forEach(VrrpDaemon::close);
    }

    private static String conf(int version, String advertInt, int priority, InetAddress self, InetAddress peer, String extra) {
        return """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority %d
                    advert_int %s
                    version %d
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    virtual_ipaddress {
                        203.0.113.10
                    }
                    %s
                }
                """.formatted(priority, advertInt, version, self.getHostAddress(), peer.getHostAddress(), extra);
    }

    private VrrpDaemon start(String text, String node) throws Exception {
        FloatdConfig config = ConfigParser.parse(text, node + ".conf");
        FloatingIpProviderFactory factory = new FloatingIpProviderFactory() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public FloatingIpProvider create(ProviderContext context) {
                return new RecordingProvider(node);
            }
        };
        DaemonOptions options = new DaemonOptions("recording", false, Duration.ofSeconds(5),
                (source, ifname) -> wire.attach(source), name -> Optional.of(factory), NanoClock.SYSTEM);
        VrrpDaemon d = VrrpDaemon.create(config, options);
        d.start();
        daemons.add(d);
        return d;
    }

    private final class RecordingProvider implements FloatingIpProvider {
        private final String node;

        RecordingProvider(String node) {
            this.node = node;
        }

        @Override
        public synchronized Holder holder() {
            String h = holder;
            return h == null ? Holder.nobody() : h.equals(node) ? Holder.self(node) : Holder.peer(h);
        }

        @Override
        public void acquire() {
            synchronized (VrrpDaemonTest.this) {
                holder = node;
                cloud.add("acquire " + node);
            }
        }

        @Override
        public void refreshPeers() {
            refreshed.add(node);
        }

        /** Like a Linux VIP: a node that is not Master gives it up. */
        @Override
        public boolean releasesByDefault() {
            return true;
        }

        @Override
        public void release() {
            synchronized (VrrpDaemonTest.this) {
                if (node.equals(holder)) {
                    holder = null;
                    cloud.add("release " + node);
                }
            }
        }
    }

    private static VrrpState state(VrrpDaemon d) {
        return d.instances().getFirst().runner().state().state();
    }

    @Test
    void higherPriorityIsElectedAndTakesTheIp() throws Exception {
        VrrpDaemon a = start(conf(3, "0.1", 150, A, B, ""), "a");
        VrrpDaemon b = start(conf(3, "0.1", 100, B, A, ""), "b");
        await(() -> state(a) == VrrpState.MASTER && "a".equals(holder));
        Thread.sleep(800);
        assertEquals(VrrpState.BACKUP, state(b), "the Backup hears the Master and stays Backup");
        assertEquals(VrrpState.MASTER, state(a));
        assertTrue(a.instances().getFirst().runner().advertsSent() >= 8, "the Master advertises every 0.1 s");
    }

    @Test
    void crashedMasterIsReplacedAfterMasterDownInterval() throws Exception {
        VrrpDaemon a = start(conf(3, "0.1", 150, A, B, ""), "a");
        // b starts once a is Master: two nodes starting together may both be Master for a moment, and the loser's
        // release on leaving can take the IP from the winner until its re-check, which is not what this test is about
        await(() -> state(a) == VrrpState.MASTER && "a".equals(holder));
        VrrpDaemon b = start(conf(3, "0.1", 100, B, A, ""), "b");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP && "a".equals(holder));
        long crash = System.nanoTime();
        a.close();
        await(() -> state(b) == VrrpState.MASTER && "b".equals(holder));
        long took = System.nanoTime() - crash;
        assertTrue(took < 2_000_000_000L, "took " + took / 1e6 + " ms");
        assertTrue(took > 200_000_000L, "a Backup must wait for the Master_Down_Interval, took " + took / 1e6 + " ms");
    }

    @Test
    void gracefulStopSendsPriorityZeroSoThePeerTakesOverAfterSkewTime() throws Exception {
        // advert_int 1 s: Master_Down_Interval 3.6 s, Skew_Time 0.6 s, so the two are far apart
        VrrpDaemon a = start(conf(3, "1", 150, A, B, ""), "a");
        VrrpDaemon b = start(conf(3, "1", 100, B, A, ""), "b");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP && "a".equals(holder));
        long stop = System.nanoTime();
        a.shutdown();
        await(() -> state(b) == VrrpState.MASTER);
        long took = System.nanoTime() - stop;
        assertTrue(took < 1_500_000_000L, "handover took " + took / 1e6 + " ms; without priority 0 it would take 3.6 s");
        assertTrue(cloud.contains("release a"), cloud.toString());
        await(() -> "b".equals(holder));
    }

    @Test
    void nopreemptKeepsTheCurrentMasterWhenAHigherPriorityNodeReturns() throws Exception {
        VrrpDaemon b = start(conf(3, "0.1", 100, B, A, ""), "b");
        await(() -> state(b) == VrrpState.MASTER);
        VrrpDaemon a = start(conf(3, "0.1", 150, A, B, "nopreempt"), "a");
        Thread.sleep(1200);
        assertEquals(VrrpState.BACKUP, state(a));
        assertEquals(VrrpState.MASTER, state(b));
        assertEquals("b", holder);
    }

    @Test
    void forgedAndMalformedPacketsAreCountedAndMoveNothing() throws Exception {
        VrrpDaemon a = start(conf(2, "1", 150, A, B, "authentication {\n auth_type PASS\n auth_pass secret12\n}"), "a");
        VrrpDaemon b = start(conf(2, "1", 100, B, A, "authentication {\n auth_type PASS\n auth_pass secret12\n}"), "b");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP);
        long sentBefore = a.instances().getFirst().runner().advertsSent();
        VrrpTransport attacker = wire.attach(STRANGER);
        List<InetAddress> vip = List.of(ip("203.0.113.10"));
        byte[] stealFromStranger = VrrpPacket.v2WithPassword(51, 255, 1, "secret12", vip).encode(STRANGER, B);
        byte[] badChecksum = VrrpPacket.v2WithPassword(51, 255, 1, "secret12", vip).encode(STRANGER, B);
        badChecksum[6] ^= 0x55;
        byte[] truncated = new byte[] {0x21, 51, (byte) 255};
        // every half interval for 3 s: the pattern that silences a keepalived 2.2.7 Master
        for (int i = 0; i < 6; i++) {
            for (InetAddress target : List.of(A, B)) {
                attacker.send(target, stealFromStranger);
                attacker.send(target, badChecksum);
                attacker.send(target, truncated);
            }
            Thread.sleep(500);
        }
        assertEquals(VrrpState.MASTER, state(a));
        assertEquals(VrrpState.BACKUP, state(b));
        long sent = a.instances().getFirst().runner().advertsSent() - sentBefore;
        assertTrue(sent >= 2, "the Master kept its advert timer: sent " + sent + " adverts in 3 s");
        // each daemon counts the garbage aimed at it: stranger-with-priority-255 dropped as not a peer
        for (VrrpDaemon d : List.of(a, b)) {
            assertEquals(6, d.drops().count(DropReason.NOT_A_PEER), d.drops().toString());
            assertEquals(6, d.drops().count(DropReason.BAD_CHECKSUM), d.drops().toString());
            assertEquals(6, d.drops().count(DropReason.TRUNCATED), d.drops().toString());
        }
        assertEquals(List.of("acquire a"), cloud);
    }

    @Test
    void wrongPasswordIsDroppedAndCountedAndTheSplitIsVisible() throws Exception {
        VrrpDaemon a = start(conf(2, "1", 150, A, B, "authentication {\n auth_type PASS\n auth_pass secret12\n}"), "a");
        VrrpDaemon b = start(conf(2, "1", 100, B, A, "authentication {\n auth_type PASS\n auth_pass wrong123\n}"), "b");
        // b never accepts a's adverts, so both end up Master, each counting the other's adverts as auth failures
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.MASTER);
        await(() -> a.drops().count(DropReason.AUTH_FAILED) >= 1 && b.drops().count(DropReason.AUTH_FAILED) >= 1);
        assertEquals(0, a.drops().count(DropReason.NOT_A_PEER) + b.drops().count(DropReason.NOT_A_PEER));
    }

    @Test
    void reloadWithAnUnchangedConfigurationKeepsTheMasterUntouched() throws Exception {
        String aConf = conf(3, "0.1", 150, A, B, "");
        VrrpDaemon a = start(aConf, "a");
        VrrpDaemon b = start(conf(3, "0.1", 100, B, A, ""), "b");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP && "a".equals(holder));
        long transitionsA = a.instances().getFirst().runner().transitions();
        long transitionsB = b.instances().getFirst().runner().transitions();
        InstanceRunner runnerBefore = a.instances().getFirst().runner();

        String result = a.reload(ConfigParser.parse(aConf, "a.conf"));

        assertEquals("1 unchanged, 0 restarted, 0 added, 0 removed", result);
        Thread.sleep(600);
        assertEquals(VrrpState.MASTER, state(a));
        assertEquals(runnerBefore, a.instances().getFirst().runner(), "the same instance keeps running");
        assertEquals(transitionsA, a.instances().getFirst().runner().transitions(), "no transition on the Master");
        assertEquals(transitionsB, b.instances().getFirst().runner().transitions(), "the peer saw no priority 0");
        assertEquals(List.of("acquire a"), cloud, "nothing released, nothing acquired again");
        await(() -> refreshed.equals(List.of("a")));
    }

    @Test
    void reloadRestartsAChangedInstanceAndStartsANewOne() throws Exception {
        VrrpDaemon a = start(conf(3, "0.1", 150, A, B, ""), "a");
        VrrpDaemon b = start(conf(3, "0.1", 100, B, A, ""), "b");
        await(() -> state(a) == VrrpState.MASTER && state(b) == VrrpState.BACKUP);
        String second = """
                vrrp_instance VI_2 {
                    interface eth0
                    virtual_router_id 52
                    priority 100
                    advert_int 0.1
                    version 3
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    virtual_ipaddress {
                        203.0.113.11
                    }
                }
                """.formatted(B.getHostAddress(), A.getHostAddress());
        String result = b.reload(ConfigParser.parse(conf(3, "0.1", 200, B, A, "") + second, "b.conf"));
        assertEquals("0 unchanged, 1 restarted, 1 added, 0 removed", result);
        assertEquals(List.of(), refreshed, "a new provider looked its peers up at start");
        // the restarted VI_1 now outranks a and preempts it; VI_2 has no peer speaking and becomes Master too
        await(() -> b.instances().size() == 2
                && b.instances().stream().allMatch(i -> i.runner().state().state() == VrrpState.MASTER));
        await(() -> state(a) == VrrpState.BACKUP && "b".equals(holder));

        String removed = b.reload(ConfigParser.parse(conf(3, "0.1", 200, B, A, ""), "b.conf"));
        assertEquals("1 unchanged, 0 restarted, 0 added, 1 removed", removed);
        await(() -> refreshed.equals(List.of("b")));
        assertEquals(1, b.instances().size());
        assertEquals(VrrpState.MASTER, state(b));
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
