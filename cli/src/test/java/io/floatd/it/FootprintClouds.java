package io.floatd.it;

import io.floatd.testkit.aws.Ec2TestEndpoint;
import io.floatd.provider.aws.ImdsTestEndpoint;
import io.floatd.provider.digitalocean.DoTestEndpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The clouds of {@code bench/footprint.sh}: started by the script with {@code ip netns exec NS java ...} inside the
 * silent peer's namespace, so every socket is that namespace's. On {@code BIND} (the namespace's own address) it
 * serves {@link Ec2TestEndpoint} (the daemon's instance and the peer's, each with its ENI and private IP, and one
 * unassociated Elastic IP), {@link ImdsTestEndpoint} (IMDSv2 for the daemon's instance: its id, region, MAC and
 * ENI) and {@link DoTestEndpoint} (the API and the droplet metadata service: both droplets and one reserved IP).
 * It writes their addresses and the fixed names as {@code KEY=VALUE} lines to {@code OUT}, then serves until it is
 * killed.
 *
 * <p>Arguments: {@code BIND NODE_IP PEER_IP DO_TOKEN OUT}.
 */
public final class FootprintClouds {
    static final String EIP = "203.0.113.10";
    static final String ALLOC = "eipalloc-0123456789abcdef0";
    static final String REGION = "eu-west-1";
    static final String INSTANCE = "i-0aaaaaaaaaaaaaaa0";
    static final String PEER_INSTANCE = "i-0bbbbbbbbbbbbbbb1";
    static final String ENI = "eni-0aaaaaaaaaaaaaaa0";
    static final String PEER_ENI = "eni-0bbbbbbbbbbbbbbb1";
    static final String MAC = "02:00:00:00:00:0a";
    static final String RESERVED_IP = "203.0.113.50";
    static final long DROPLET = 300_000_001L;
    static final long PEER_DROPLET = 300_000_002L;

    private FootprintClouds() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: FootprintClouds BIND NODE_IP PEER_IP DO_TOKEN OUT");
            System.exit(2);
        }
        InetAddress bind = InetAddress.getByName(args[0]);
        String node = args[1];
        String peer = args[2];
        Ec2TestEndpoint ec2 = new Ec2TestEndpoint(new InetSocketAddress(bind, 0));
        ec2.instance(INSTANCE, ENI, node).instance(PEER_INSTANCE, PEER_ENI, peer).elasticIp(ALLOC, EIP);
        ImdsTestEndpoint imds = new ImdsTestEndpoint(new InetSocketAddress(bind, 0))
                .instance(INSTANCE, REGION, MAC, ENI);
        DoTestEndpoint dos = new DoTestEndpoint(args[3], new InetSocketAddress(bind, 0));
        dos.droplet(DROPLET, "lb-1", "192.0.2.10", node).droplet(PEER_DROPLET, "lb-2", "192.0.2.11", peer)
                .reservedIp(RESERVED_IP);
        Path out = Path.of(args[4]);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        Files.write(tmp, List.of("EC2_URL=" + ec2.uri(), "IMDS_URL=" + imds.uri(), "DO_URL=" + dos.uri(),
                "EIP=" + EIP, "REGION=" + REGION, "RESERVED_IP=" + RESERVED_IP));
        Files.move(tmp, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(Long.MAX_VALUE);
    }
}
