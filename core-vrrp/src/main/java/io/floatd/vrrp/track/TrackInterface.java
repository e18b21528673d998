package io.floatd.vrrp.track;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One {@code track_interface} link, polled (about every 100 ms) from {@code /sys/class/net/IF/flags}: it is up
 * when the interface is administratively up and running (IFF_UP and IFF_RUNNING, which is what keepalived
 * looks at: carrier lost or link set down both count as down). A missing interface is down.
 */
public final class TrackInterface {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    private static final int IFF_UP = 0x1;
    private static final int IFF_RUNNING = 0x40;

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
            String text = Files.readString(sysClassNet.resolve(name).resolve("flags")).strip();
            int flags = Integer.decode(text);
            return (flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Reads the link once and tells the listeners if it changed. */
    public void poll() {
        boolean now = readUp();
        if (now == up) {
            return;
        }
        up = now;
        LOG.log(Level.INFO, "Netlink reports {0} {1}", name, now ? "up" : "down");
        for (Listener l : listeners) {
            l.changed(now);
        }
    }
}
