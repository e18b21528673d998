package io.floatd.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * One Ethernet segment of test hosts: a "switch" namespace holding a bridge, and one namespace per host
 * joined to it by a veth pair. Host i gets interface {@code eth0} with address {@code 10.199.0.(10+i)/24};
 * these addresses exist only inside the namespaces this class creates.
 */
public final class Lan implements AutoCloseable {
    public static final String SUBNET_PREFIX = "10.199.0.";
    public static final String IFNAME = "eth0";

    private final Netns bridge;
    private final List<Netns> hosts = new ArrayList<>();

    private Lan(Netns bridge) {
        this.bridge = bridge;
    }

    public static Lan create(String prefix, int hostCount) {
        Lan lan = new Lan(Netns.create(prefix + "b"));
        try {
            lan.bridge.exec("ip", "link", "add", "br0", "type", "bridge");
            lan.bridge.exec("ip", "link", "set", "br0", "up");
            for (int i = 0; i < hostCount; i++) {
                lan.addHost(prefix + "h" + i, i);
            }
            return lan;
        } catch (RuntimeException e) {
            lan.close();
            throw e;
        }
    }

    private void addHost(String prefix, int index) {
        Netns host = Netns.create(prefix);
        hosts.add(host);
        String port = "p" + index;
        bridge.exec("ip", "link", "add", port, "type", "veth", "peer", "name", IFNAME, "netns", host.name());
        bridge.exec("ip", "link", "set", port, "master", "br0");
        bridge.exec("ip", "link", "set", port, "up");
        host.exec("ip", "addr", "add", address(index) + "/24", "dev", IFNAME);
        host.exec("ip", "link", "set", IFNAME, "up");
    }

    public static String address(int index) {
        return SUBNET_PREFIX + (10 + index);
    }

    public Netns host(int index) {
        return hosts.get(index);
    }

    public Netns bridge() {
        return bridge;
    }

    /** Cuts or restores host {@code index}'s link to the switch (a partition of that host). */
    public void setLinkUp(int index, boolean up) {
        bridge.exec("ip", "link", "set", "p" + index, up ? "up" : "down");
    }

    @Override
    public void close() {
        for (Netns h : hosts) {
            h.close();
        }
        bridge.close();
    }
}
