package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.fsm.VrrpState;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.transport.MemoryWire;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two complete daemons on an in-process wire, each with VI_1 and VI_2 in vrrp_sync_group G (VRRPv3, advert_int
 * 0.1), and a provider per instance that records who holds each instance's IP: the IPs follow each member's state,
 * and the members move together; a reload that removes the group lets them move apart.
 */
class SyncGroupDaemonTest {
    private static final InetAddress A = ip("192.0.2.1");
    private static final InetAddress B = ip("192.0.2.2");

    private final MemoryWire wire = new MemoryWire();
    private final List<VrrpDaemon> daemons = new ArrayList<>();
    /** Instance name to the node holding its IP. */
    private final Map<String, String> holders = new ConcurrentHashMap<>();

    @AfterEach
    void close() {
        daemons.forEach(VrrpDaemon::close);
    }

    private static String conf(int priority, InetAddress self, InetAddress peer, boolean group) {
        return conf(priority, self, peer, group ? "VI_1\n        VI_2" : null);
    }

    /** @param members the group's member lines, or null for no group */
    private static String conf(int priority, InetAddress self, InetAddress peer, String members) {
        StringBuilder b = new StringBuilder();
        for (int vrid : new int[] {51, 52}) {
            b.append("""
                    vrrp_instance VI_%d {
                        interface eth0
                        virtual_router_id %d
                        priority %d
                        advert_int 0.1
                        version 3
                        unicast_src_ip %s
                        unicast_peer {
                            %s
                        }
                        virtual_ipaddress {
                            203.0.113.%d
                        }
                    }
                    """.formatted(vrid - 50, vrid, priority, self.getHostAddress(), peer.getHostAddress(), vrid));
        }
        if (members != null) {
            b.append("vrrp_sync_group G {\n    group {\n        " + members + "\n    }\n}\n");
        }
        return b.toString();
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
                return new Recording(node, context.instanceName());
            }
        };
        DaemonOptions options = new DaemonOptions("recording", false, Duration.ofSeconds(5),
                (source, ifname) -> wire.attach(source), name -> Optional.of(factory), NanoClock.SYSTEM);
        VrrpDaemon d = VrrpDaemon.create(config, options);
        d.start();
        daemons.add(d);
        return d;
    }

    private final class Recording implements FloatingIpProvider {
        private final String node;
        private final String instance;

        Recording(String node, String instance) {
            this.node = node;
            this.instance = instance;
        }

        @Override
        public Holder holder() {
            String h = holders.get(instance);
            return h == null ? Holder.nobody() : h.equals(node) ? Holder.self(node) : Holder.peer(h);
        }

        @Override
        public void acquire() {
            holders.put(instance, node);
        }

        @Override
        public boolean releasesByDefault() {
            return true;
        }

        @Override
        public void release() {
            holders.remove(instance, node);
        }
    }

    private static VrrpState state(VrrpDaemon d, String instance) {
        return d.instances().stream().filter(i -> i.config().name().equals(instance)).findFirst().orElseThrow()
                .runner().state().state();
    }

    private static boolean both(VrrpDaemon d, VrrpState s) {
        return state(d, "VI_1") == s && state(d, "VI_2") == s;
    }

    @Test
    void oneMemberSteppingDownTakesTheOtherWithItAndTheIpsFollowEachMember() throws Exception {
        VrrpDaemon a = start(conf(150, A, B, true), "a");
        VrrpDaemon b = start(conf(100, B, A, true), "b");
        await(() -> both(a, VrrpState.MASTER) && both(b, VrrpState.BACKUP)
                && "a".equals(holders.get("VI_1")) && "a".equals(holders.get("VI_2")));

        // VI_1 alone is handed over: a's group takes VI_2 to BACKUP too (vrrp_sync_backup), b takes both
        assertEquals(List.of("VI_1"), a.handover("VI_1"));
        await(() -> both(a, VrrpState.BACKUP) && both(b, VrrpState.MASTER)
                && "b".equals(holders.get("VI_1")) && "b".equals(holders.get("VI_2")));
    }

    @Test
    void aReloadThatRemovesTheGroupLetsTheMembersMoveApart() throws Exception {
        VrrpDaemon a = start(conf(150, A, B, true), "a");
        VrrpDaemon b = start(conf(100, B, A, true), "b");
        await(() -> both(a, VrrpState.MASTER) && both(b, VrrpState.BACKUP));

        // the group goes: both its members restart, as one
        assertEquals("0 unchanged, 2 restarted, 0 added, 0 removed", a.reload(ConfigParser.parse(conf(150, A, B, false), "a.conf")));
        assertEquals("0 unchanged, 2 restarted, 0 added, 0 removed", b.reload(ConfigParser.parse(conf(100, B, A, false), "b.conf")));
        await(() -> both(a, VrrpState.MASTER) && both(b, VrrpState.BACKUP));
        a.handover("VI_1");
        await(() -> state(a, "VI_1") == VrrpState.BACKUP && state(b, "VI_1") == VrrpState.MASTER
                && "b".equals(holders.get("VI_1")));
        Thread.sleep(500); // five advert intervals: without the group, VI_2 stays where it is
        assertEquals(VrrpState.MASTER, state(a, "VI_2"));
        assertEquals("a", holders.get("VI_2"));

        // the group comes back: unchanged instance settings, but both members restart with it
        a.resume("VI_1");
        assertEquals("0 unchanged, 2 restarted, 0 added, 0 removed", a.reload(ConfigParser.parse(conf(150, A, B, true), "a.conf")));
        await(() -> both(a, VrrpState.MASTER) && both(b, VrrpState.BACKUP));
        assertEquals("2 unchanged, 0 restarted, 0 added, 0 removed", a.reload(ConfigParser.parse(conf(150, A, B, true), "a.conf")));
    }

    @Test
    void aGroupOfOneRunsItsMemberAsItWouldRunAlone() throws Exception {
        // keepalived runs it ("Sync group G has only 1 virtual router(s) - this probably isn't what you want")
        VrrpDaemon a = start(conf(150, A, B, "VI_1"), "a");
        VrrpDaemon b = start(conf(100, B, A, "VI_1"), "b");
        await(() -> both(a, VrrpState.MASTER) && both(b, VrrpState.BACKUP) && "a".equals(holders.get("VI_1")));
        a.handover("VI_1");
        await(() -> state(a, "VI_1") == VrrpState.BACKUP && state(b, "VI_1") == VrrpState.MASTER
                && "b".equals(holders.get("VI_1")));
        Thread.sleep(500); // five advert intervals: VI_2 is in no group, so it stays where it is
        assertEquals(VrrpState.MASTER, state(a, "VI_2"));
        assertEquals("a", holders.get("VI_2"));
        a.resume("VI_1");
        await(() -> both(a, VrrpState.MASTER) && both(b, VrrpState.BACKUP) && "a".equals(holders.get("VI_1")));
    }

    @Test
    void aGroupsTrackProcessWhoseProcessIsNotRunningHoldsEveryMemberInFault() throws Exception {
        // the group's track_process (weight 0) is each member's: no such process means FAULT for both, so the
        // lower-priority peer holds both IPs
        String tracked = "vrrp_track_process never {\n    process sgd-never-runs\n}\n";
        String group = "vrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n"
                + "    track_process {\n        never\n    }\n}\n";
        VrrpDaemon a = start(tracked + conf(150, A, B, null) + group, "a");
        VrrpDaemon b = start(conf(100, B, A, true), "b");
        await(() -> both(a, VrrpState.FAULT) && both(b, VrrpState.MASTER)
                && "b".equals(holders.get("VI_1")) && "b".equals(holders.get("VI_2")));
        // a process that runs (this JVM, whose name is "java") keeps the group up: a takes both back
        a.reload(ConfigParser.parse(tracked.replace("sgd-never-runs", "java") + conf(150, A, B, null) + group, "a.conf"));
        await(() -> both(a, VrrpState.MASTER) && both(b, VrrpState.BACKUP)
                && "a".equals(holders.get("VI_1")) && "a".equals(holders.get("VI_2")));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not reached within 15 s");
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
