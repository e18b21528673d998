package io.floatd.it;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testing.Lan;
import java.time.Duration;
import java.util.List;

/**
 * {@link AwsRig} with an IPv6 address that moves between the two nodes' ENIs ({@code mode secondary_ip}, issue 16):
 * the endpoint's subnet gets an IPv6 CIDR block, and each node's {@code floating_ip} block names its ENI. VRRP itself
 * stays IPv4 on the test LAN: the moving address lives in the endpoint, as an ENI's address lives in EC2.
 */
final class AwsIpv6Rig {
    static final String CIDR = "2001:db8:1234:1a00::/64";
    static final String V6 = "2001:db8:1234:1a00::10";

    private AwsIpv6Rig() {
    }

    /** The LAN, the endpoint and the IPv6 subnet, no daemons yet. */
    static AwsRig create(String prefix) {
        AwsRig rig = AwsRig.create(prefix);
        rig.ec2.subnet(Ec2TestEndpoint.DEFAULT_SUBNET, Ec2TestEndpoint.VPC, "10.199.0.0/24", CIDR);
        return rig;
    }

    /** Node {@code i}'s configuration: as {@link AwsRig#config}, the floating_ip block moving {@link #V6}. */
    static String config(int i, int priority, String top, String instanceLines, String extraFloating, String notify) {
        return top + """
                global_defs {
                    router_id aws6-node%d
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 61
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
                        mode secondary_ip
                        address %s
                        instance_id %s
                        network_interface %s
                        region %s
                %s
                    }
                    notify "%s"
                }
                """.formatted(i, priority, Lan.address(i), Lan.address(1 - i), instanceLines, V6, AwsRig.INSTANCE[i],
                AwsRig.ENI[i], AwsRig.REGION, extraFloating, notify);
    }

    static FloatdProcess start(AwsRig rig, int i, int priority, String top, String instanceLines, String extraFloating) {
        rig.nodes[i] = FloatdProcess.start(rig.lan.host(i), rig.env(),
                n -> config(i, priority, top, instanceLines, extraFloating, n), "--provider", "aws");
        return rig.nodes[i];
    }

    /** The line the provider logs at start, once its warm-up calls are answered. */
    static String started(int i) {
        return "aws: secondary IPv6 address " + V6 + " on " + AwsRig.ENI[i];
    }

    /** Which node's ENI has the address now, or -1. */
    static int holder(AwsRig rig) {
        String eni = rig.ec2.eniWithIpv6(V6);
        return eni == null ? -1 : List.of(AwsRig.ENI).indexOf(eni);
    }

    static void awaitHolder(AwsRig rig, int i, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (holder(rig) == i) {
                return;
            }
            FloatdProcess.sleep(10);
        }
        throw new AssertionError("the IPv6 address is on node" + holder(rig) + ", not node" + i + " after " + timeout
                + "\nchanges: " + rig.ec2.ipv6Changes() + "\nrequests: " + rig.ec2.requests() + "\nnode0:\n"
                + rig.log(0) + "\nnode1:\n" + rig.log(1));
    }

    /** The IPv6 changes at or after {@code after} (epoch ns). */
    static List<Ec2TestEndpoint.Ipv6Change> changesSince(AwsRig rig, long after) {
        return rig.ec2.ipv6Changes().stream().filter(c -> c.atEpochNanos() >= after).toList();
    }
}
