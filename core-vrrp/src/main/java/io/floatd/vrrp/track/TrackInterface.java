package io.floatd.vrrp.track;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One {@code track_interface} link, read from sysfs at start and from rtnetlink link notifications after it
 * ({@link TrackWatch}; from sysfs every 100 ms where netlink is refused): it is up when the interface is
 * administratively up ({@code flags} has IFF_UP) and operationally up ({@code operstate} is {@code up}, or
 * {@code unknown} as for drivers without carrier reporting). That is the kernel's IFF_RUNNING, which keepalived
 * looks at: a lost carrier and a link set down both count as down. A missing interface is down.
 */
public final class TrackInterface {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    private static final int IFF_UP = 0x1;

    @FunctionalInterface
    public interface Listener {
        void changed(boolean up);
    }

    private final String name;
    private final Path sysClassNet;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean up;

    public TrackInterface(String name) {
        this(name, Path.of("/sys/class/net"));
    }

    TrackInterface(String name, Path sysClassNet) {
        this.name = name;
        this.sysClassNet = sysClassNet;
        this.up = readUp();
    }

    public String name() {
        return name;
    }

    public boolean up() {
        return up;
    }

    public void addListener(Listener l) {
        listeners.add(l);
    }

    boolean readUp() {
        try {
            Path dir = sysClassNet.resolve(name);
            int flags = Integer.decode(Files.readString(dir.resolve("flags")).strip());
            String operstate = Files.readString(dir.resolve("operstate")).strip();
            // sysfs flags never show IFF_RUNNING; the kernel derives it from the operational state like this
            return (flags & IFF_UP) != 0 && (operstate.equals("up") || operstate.equals("unknown"));
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Reads the link once and tells the listeners if it changed. */
    public void poll() {
        observed(readUp());
    }

    /** The link's state as last seen (sysfs or a netlink notification); tells the listeners if it changed. */
    void observed(boolean now) {
        if (now == up) {
            return;
        }
        up = now;
        // keepalived's wording, which users grep for
        LOG.log(Level.INFO, "Netlink reports {0} {1}", name, now ? "up" : "down");
        for (Listener l : listeners) {
            l.changed(now);
        }
    }
}
