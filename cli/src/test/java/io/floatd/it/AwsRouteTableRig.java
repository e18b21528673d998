package io.floatd.it;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testing.Lan;
import java.time.Duration;
import java.util.List;

/**
 * {@link AwsRig} with an overlay IP routed by two route tables ({@code mode route_table}, issue 16): the endpoint gets
 * two tables of the VPC (each with its local route to the LAN's range) and both ENIs have their source/destination
 * check off; each node's {@code floating_ip} block names both tables and its own ENI. VRRP runs on the test LAN; the
 * route lives in the endpoint, as a route lives in EC2.
 */
final class AwsRouteTableRig {
    static final String OVERLAY = "192.168.100.10";
    static final String DEST = OVERLAY + "/32";
    static final String[] TABLES = {"rtb-0a1a1a1a1a1a1a1a1", "rtb-0b2b2b2b2b2b2b2b2"};

    private AwsRouteTableRig() {
    }

    /** The LAN, the endpoint and the two route tables, no daemons yet. */
    static AwsRig create(String prefix) {
        AwsRig rig = AwsRig.create(prefix);
        for (String t : TABLES) {
            rig.ec2.routeTable(t, Ec2TestEndpoint.VPC, "10.199.0.0/16");
        }
        rig.ec2.sourceDestCheck(AwsRig.ENI[0], false).sourceDestCheck(AwsRig.ENI[1], false);
        return rig;
    }

    /** Node {@code i}'s configuration: as {@link AwsRig#config}, the floating_ip block moving the overlay route. */
    static String config(int i, int priority, String top, String instanceLines, String extraFloating, String notify) {
        return top + """
                global_defs {
                    router_id awsrt-node%d
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 62
                    priority %d
                    version 3
                    advert_int 0.1
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                %s
                    floating_ip {
                        provider aws
                        mode route_table
                        address %s
                        route_table %s %s
                        instance_id %s
                        network_interface %s
                        region %s
                %s
                    }
                    notify "%s"
                }
                """.formatted(i, priority, Lan.address(i), Lan.address(1 - i), instanceLines, OVERLAY, TABLES[0],
                TABLES[1], AwsRig.INSTANCE[i], AwsRig.ENI[i], AwsRig.REGION, extraFloating, notify);
    }

    static FloatdProcess start(AwsRig rig, int i, int priority, String top, String instanceLines, String extraFloating) {
        rig.nodes[i] = FloatdProcess.start(rig.lan.host(i), rig.env(),
                n -> config(i, priority, top, instanceLines, extraFloating, n), "--provider", "aws");
        return rig.nodes[i];
    }

    /** As {@link #start}, without {@code --provider aws} (which would make a linux-l2 block an aws one too). */
    static FloatdProcess startAsWritten(AwsRig rig, int i, int priority, String instanceLines) {
        rig.nodes[i] = FloatdProcess.start(rig.lan.host(i), rig.env(), n -> config(i, priority, "", instanceLines, "", n));
        return rig.nodes[i];
    }

    /** The line the provider logs at start, once its warm-up calls are answered. */
    static String started(int i) {
        return "aws: overlay IP " + DEST + " in " + TABLES[0] + ", " + TABLES[1] + " to " + AwsRig.ENI[i];
    }

    /** Which node's ENI both tables route the overlay IP to, or -1 (none, or the tables disagree). */
    static int holder(AwsRig rig) {
        String a = rig.ec2.routeTarget(TABLES[0], DEST);
        String b = rig.ec2.routeTarget(TABLES[1], DEST);
        return a == null || !a.equals(b) ? -1 : List.of(AwsRig.ENI).indexOf(a);
    }

    static void awaitHolder(AwsRig rig, int i, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (holder(rig) == i) {
                return;
            }
            FloatdProcess.sleep(10);
        }
        throw new AssertionError("the overlay route is on " + rig.ec2.routeTarget(TABLES[0], DEST) + " / "
                + rig.ec2.routeTarget(TABLES[1], DEST) + ", not node" + i + " after " + timeout + "\nchanges: "
                + rig.ec2.routeChanges() + "\nrequests: " + rig.ec2.requests() + "\nnode0:\n" + rig.log(0)
                + "\nnode1:\n" + rig.log(1));
    }

    /** The route changes at or after {@code after} (epoch ns). */
    static List<Ec2TestEndpoint.RouteChange> changesSince(AwsRig rig, long after) {
        return rig.ec2.routeChanges().stream().filter(c -> c.atEpochNanos() >= after).toList();
    }
}
