package io.floatd.it;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two floatd nodes with {@code provider aws} on a test LAN (hosts 0 and 1, 10.199.0.10/.11) and an
 * {@link Ec2TestEndpoint} listening inside host 2 (10.199.0.12, "the cloud"), which knows both nodes as instances
 * (their private IPs are the nodes' unicast addresses, so each recognises the other as its peer) and one
 * unassociated Elastic IP. Nothing leaves the namespaces: the EC2 endpoint is the test's, the credentials are
 * static fakes, the metadata service is disabled and pointed at a closed loopback port, and the namespaces have no
 * route anywhere else.
 */
final class AwsRig implements AutoCloseable {
    static final String EIP = "203.0.113.10";
    static final String ALLOC = "eipalloc-0123456789abcdef0";
    static final String REGION = "eu-west-1";
    static final String[] INSTANCE = {"i-0aaaaaaaaaaaaaaa0", "i-0bbbbbbbbbbbbbbb1"};
    static final String[] ENI = {"eni-0aaaaaaaaaaaaaaa0", "eni-0bbbbbbbbbbbbbbb1"};
    static final int CLOUD = 2;

    final Lan lan;
    final Ec2TestEndpoint ec2;
    final FloatdProcess[] nodes = new FloatdProcess[2];

    private AwsRig(Lan lan, Ec2TestEndpoint ec2) {
        this.lan = lan;
        this.ec2 = ec2;
    }

    /** The LAN and the endpoint, no daemons yet. */
    static AwsRig create(String prefix) {
        Lan lan = Lan.create(prefix, 3);
        try {
            // bound from a thread inside the cloud's namespace, so the socket (and the connections it accepts) live there
            Ec2TestEndpoint ec2 = lan.host(CLOUD).runInside(() -> new Ec2TestEndpoint(
                    new java.net.InetSocketAddress(java.net.InetAddress.getByName(Lan.address(CLOUD)), 0)));
            ec2.instance(INSTANCE[0], ENI[0], Lan.address(0))
                    .instance(INSTANCE[1], ENI[1], Lan.address(1))
                    .elasticIp(ALLOC, EIP);
            return new AwsRig(lan, ec2);
        } catch (RuntimeException | Error e) {
            lan.close();
            throw e;
        }
    }

    /** The environment of a floatd or a script that talks to the test endpoint, and to nothing else. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL_EC2", ec2.uri().toString());
        env.put("AWS_ENDPOINT_URL", ec2.uri().toString());
        env.put("AWS_ACCESS_KEY_ID", "AKIAFLOATDTESTKEY000");
        env.put("AWS_SECRET_ACCESS_KEY", "FLOATD-FAKE-SECRET/notARealKey+0123456789");
        env.put("AWS_REGION", REGION);
        env.put("AWS_DEFAULT_REGION", REGION);
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
        env.put("AWS_CONFIG_FILE", "/nonexistent/floatd-test-aws-config");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/floatd-test-aws-credentials");
        return env;
    }

    /**
     * floatd's configuration for node {@code i}, shaped like the provider README's example: VRRPv3, advert_int 0.1,
     * unicast to the other node, no virtual_ipaddress (the adverts carry the floating IP), {@code instanceLines}
     * (tracking, {@code nopreempt}, a {@code transport} block), and a {@code floating_ip { provider aws }} block with
     * {@code extraFloating} lines added (e.g. {@code deadline 5}).
     */
    static String config(int i, int priority, String top, String instanceLines, String extraFloating, String notify) {
        int peer = 1 - i;
        return top + """
                global_defs {
                    router_id aws-node%d
                }
                vrrp_instance VI_1 {
                    state BACKUP
                    interface eth0
                    virtual_router_id 51
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
                        address %s
                        instance_id %s
                        region %s
                %s
                    }
                    notify "%s"
                }
                """.formatted(i, priority, Lan.address(i), Lan.address(peer), instanceLines, EIP, INSTANCE[i], REGION,
                extraFloating, notify);
    }

    FloatdProcess start(int i, int priority, String top, String instanceLines, String extraFloating) {
        nodes[i] = FloatdProcess.start(lan.host(i), env(),
                n -> config(i, priority, top, instanceLines, extraFloating, n), "--provider", "aws");
        return nodes[i];
    }

    /**
     * node0 (priority 150) first, elected alone and holding the Elastic IP, then node1 (priority 100) as its
     * Backup, warmed up. Starting both at once on a loaded machine lets node1 be up and elected before node0's JVM
     * has started, and node0 then preempts: correct, but another story with more writes.
     */
    void startPair(String top0, String tracking0, String extraFloating, Duration timeout) {
        startPair(top0, tracking0, "", extraFloating, timeout);
    }

    /** As above, with {@code instanceLines1} in node1's vrrp_instance. */
    void startPair(String top0, String instanceLines0, String instanceLines1, String extraFloating, Duration timeout) {
        FloatdProcess a = start(0, 150, top0, instanceLines0, extraFloating);
        a.awaitState("MASTER", timeout);
        awaitHolder(0, timeout);
        FloatdProcess b = start(1, 100, "", instanceLines1, extraFloating);
        b.awaitState("BACKUP", timeout);
        // the factory's line after its warm-up calls (DescribeAddresses, DryRun AssociateAddress)
        b.awaitLog("aws: Elastic IP " + EIP + " (mode eip) in " + REGION, timeout);
        FloatdProcess.sleep(300); // and node1's INIT -> BACKUP read
    }

    Netns host(int i) {
        return lan.host(i);
    }

    /** The instance the Elastic IP is associated with now, or null. */
    String holder() {
        Ec2TestEndpoint.Association a = ec2.address(ALLOC);
        return a == null ? null : a.instanceId();
    }

    /** Waits (bounded) until the Elastic IP is associated with node {@code i}'s instance. */
    void awaitHolder(int i, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (INSTANCE[i].equals(holder())) {
                return;
            }
            FloatdProcess.sleep(10);
        }
        throw new AssertionError("the Elastic IP is on " + holder() + ", not node" + i + " (" + INSTANCE[i]
                + ") after " + timeout + "\nrequests: " + ec2.requests() + "\nnode0:\n" + log(0) + "\nnode1:\n"
                + log(1));
    }

    /** Real writes: AssociateAddress without DryRun, and DisassociateAddress. */
    static List<Ec2TestEndpoint.Request> writes(List<Ec2TestEndpoint.Request> rs) {
        return rs.stream().filter(r -> (r.action().equals("AssociateAddress") && !"true".equals(r.params().get("DryRun")))
                || r.action().equals("DisassociateAddress")).toList();
    }

    /**
     * The EC2 requests of a node that {@code start} starts (a restart): from its start until it has entered MASTER and
     * half a second more, printed with its takeover line.
     */
    List<Ec2TestEndpoint.Request> requestsOfRestart(java.util.function.Supplier<FloatdProcess> start, Duration master,
            Duration step) {
        int requestsBefore = ec2.requests().size();
        FloatdProcess b2 = start.get();
        b2.awaitState("MASTER", master);
        b2.awaitLog("takeover: entered MASTER", step);
        FloatdProcess.sleep(500);
        List<Ec2TestEndpoint.Request> after = ec2.requests().subList(requestsBefore, ec2.requests().size());
        System.out.println("restarted holder entering MASTER: " + after.stream().map(Ec2TestEndpoint.Request::action)
                .toList() + "\n  " + b2.log().lines().filter(l -> l.contains("takeover: entered MASTER"))
                .findFirst().orElse("?"));
        return after;
    }

    /** The actions of the real writes among {@code rs} (any of {@link Ec2TestEndpoint#WRITES}, DryRuns aside). */
    static List<String> writesOf(List<Ec2TestEndpoint.Request> rs) {
        return rs.stream().filter(r -> Ec2TestEndpoint.WRITES.contains(r.action())
                && !"true".equals(r.params().get("DryRun"))).map(Ec2TestEndpoint.Request::action).toList();
    }

    String log(int i) {
        return nodes[i] == null ? "(not started)" : nodes[i].log();
    }

    /** The association changes that made node {@code i}'s instance the holder at or after {@code after} (epoch ns). */
    List<Ec2TestEndpoint.Change> movesTo(int i, long after) {
        return ec2.changes().stream().filter(c -> INSTANCE[i].equals(c.instanceId()) && c.atEpochNanos() >= after)
                .toList();
    }

    private static final DateTimeFormatter LOG_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /** The epoch nanos (ms resolution) of every log line of {@code p} that contains {@code text}, in order. */
    static List<Long> loggedTimes(FloatdProcess p, String text) {
        List<Long> out = new ArrayList<>();
        for (String line : p.log().split("\n")) {
            if (line.contains(text) && line.length() > 23) {
                try {
                    Instant t = Instant.from(LOG_TIME.parse(line.substring(0, 23)));
                    out.add(t.getEpochSecond() * 1_000_000_000L + t.getNano());
                } catch (DateTimeParseException e) {
                    // not a time-stamped line
                }
            }
        }
        return out;
    }

    static double millis(long nanos) {
        return nanos / 1e6;
    }

    @Override
    public void close() {
        for (FloatdProcess n : nodes) {
            if (n != null) {
                n.close();
            }
        }
        ec2.close();
        lan.close();
    }
}
