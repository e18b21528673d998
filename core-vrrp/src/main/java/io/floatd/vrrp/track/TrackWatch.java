package io.floatd.vrrp.track;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.floatd.ffm.Inotify;
import io.floatd.ffm.Libc;
import io.floatd.ffm.LinkNotifications;
import io.floatd.ffm.NativeException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Wakes for {@code track_file} and {@code track_interface} changes instead of reading them on a timer (keepalived
 * watches the same way): inotify(7) on each file's directory and on the file itself (a write, a rename over it, a
 * create, a delete), rtnetlink link notifications for the links. Only what cannot be watched (inotify or the
 * netlink socket refused, a directory that does not exist yet) is still read every poll interval; with everything
 * watched the thread sleeps in poll(2) with no timeout. One platform thread, {@code track-watch}; the close's
 * eventfd wakes it.
 */
final class TrackWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.vrrp");
    private static final int DIR_MASK = Inotify.IN_MODIFY | Inotify.IN_ATTRIB | Inotify.IN_CLOSE_WRITE
            | Inotify.IN_MOVED_FROM | Inotify.IN_MOVED_TO | Inotify.IN_CREATE | Inotify.IN_DELETE;
    private static final int FILE_MASK = Inotify.IN_MODIFY | Inotify.IN_ATTRIB | Inotify.IN_CLOSE_WRITE
            | Inotify.IN_DELETE_SELF | Inotify.IN_MOVE_SELF;
    private static final int BUFFER = 16 * 1024;

    private final List<TrackFile> files;
    private final Map<String, TrackInterface> links = new HashMap<>();
    private final long pollMillis;
    private final int wakeFd;
    private final int inotifyFd;
    private final int linkFd;
    /** The watch of each file itself (wd: the files at that inode), rebuilt by {@link #watchFiles()}. */
    private final Map<Integer, Set<TrackFile>> selfWatches = new HashMap<>();
    /** The watch of each file's directory (wd: entry name: the files of that name). */
    private final Map<Integer, Map<String, Set<TrackFile>>> dirWatches = new HashMap<>();
    /** Files whose directory has no watch: read every poll interval (only on the watch thread). */
    private final Set<TrackFile> polledFiles = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Opens the watches (the netlink socket in the calling thread's network namespace); what cannot be watched is
     * polled every {@code pollMillis}.
     */
    TrackWatch(Collection<TrackFile> files, Collection<TrackInterface> links, long pollMillis) throws NativeException {
        this.files = List.copyOf(files);
        links.forEach(l -> this.links.put(l.name(), l));
        this.pollMillis = pollMillis;
        this.wakeFd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        this.inotifyFd = files.isEmpty() ? -1 : openInotify();
        this.linkFd = links.isEmpty() ? -1 : openLinks();
        watchFiles();
        this.thread = Thread.ofPlatform().name("track-watch").daemon(true).unstarted(this::run);
    }

    private static int openInotify() {
        try {
            return Inotify.init();
        } catch (NativeException e) {
            LOG.log(Level.WARNING, "track_file: inotify unavailable ({0}): files are read every {1} ms", e.getMessage(),
                    Tracking.POLL_MILLIS);
            return -1;
        }
    }

    private static int openLinks() {
        try {
            return LinkNotifications.open();
        } catch (NativeException e) {
            LOG.log(Level.WARNING, "track_interface: no netlink link notifications ({0}): links are read every {1} ms",
                    e.getMessage(), Tracking.POLL_MILLIS);
            return -1;
        }
    }

    /** Adds (again) each file's watches: its directory, and the file itself when it exists (a link followed). */
    private void watchFiles() {
        selfWatches.clear();
        dirWatches.clear();
        for (TrackFile f : files) {
            if (inotifyFd < 0) {
                polledFiles.add(f);
                continue;
            }
            Path file = f.path().toAbsolutePath();
            Path dir = file.getParent();
            try {
                int wd = Inotify.addWatch(inotifyFd, dir.toString(), DIR_MASK);
                dirWatches.computeIfAbsent(wd, k -> new HashMap<>())
                        .computeIfAbsent(file.getFileName().toString(), k -> new java.util.HashSet<>()).add(f);
                polledFiles.remove(f);
            } catch (NativeException e) {
                polledFiles.add(f); // no directory yet: polled until it appears
                continue;
            }
            try {
                int wd = Inotify.addWatch(inotifyFd, file.toString(), FILE_MASK);
                selfWatches.computeIfAbsent(wd, k -> new java.util.HashSet<>()).add(f);
            } catch (NativeException e) {
                // no file (yet): its creation is an event of the directory
            }
        }
    }

    void start() {
        thread.start();
    }

    /** Whether the thread sleeps without a timeout (everything watched). */
    boolean eventDriven() {
        return polledFiles.isEmpty() && (links.isEmpty() || linkFd >= 0);
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(24, 4);
            MemorySegment buffer = arena.allocate(BUFFER, 8);
            byte[] bytes = new byte[BUFFER];
            fds.set(JAVA_INT, 0, wakeFd);
            fds.set(JAVA_INT, 8, inotifyFd);
            fds.set(JAVA_INT, 16, linkFd);
            for (int i = 0; i < 3; i++) {
                fds.set(JAVA_SHORT, 8L * i + 4, Libc.POLLIN);
            }
            // a change between the first read (the constructors) and the watches: read once more now
            files.forEach(TrackFile::poll);
            links.values().forEach(TrackInterface::poll);
            while (!closed) {
                for (int i = 0; i < 3; i++) {
                    fds.set(JAVA_SHORT, 8L * i + 6, (short) 0);
                }
                int ready = Libc.poll(fds, 3, eventDriven() ? -1 : (int) pollMillis);
                if (closed) {
                    return;
                }
                step(ready, fds, buffer, bytes);
            }
        } catch (NativeException | RuntimeException e) {
            if (!closed) {
                LOG.log(Level.ERROR, "track_file/track_interface watch stopped: " + io.floatd.vrrp.log.Failures.describe(e), e);
            }
        }
    }

    private void step(int ready, MemorySegment fds, MemorySegment buffer, byte[] bytes) {
        if (ready > 0 && fds.get(JAVA_SHORT, 14) != 0) {
            Set<TrackFile> touched = touched(Inotify.read(inotifyFd, buffer));
            if (!touched.isEmpty()) {
                watchFiles(); // a file renamed over the old one is a new inode: watch it
                touched.forEach(TrackFile::poll);
            }
        }
        if (ready > 0 && fds.get(JAVA_SHORT, 22) != 0) {
            linkMessages(buffer, bytes);
        }
        if (ready == 0) {
            if (!polledFiles.isEmpty()) {
                watchFiles(); // a directory that appeared is watched from now on
                files.forEach(TrackFile::poll);
            }
            if (linkFd < 0) {
                links.values().forEach(TrackInterface::poll);
            }
        }
    }

    /**
     * The tracked files the events are about: a file's own watch, or its directory's for an entry of its name (the
     * directory's other files, such as logs written beside it, wake the thread but read nothing); all after an
     * overflow.
     */
    private Set<TrackFile> touched(List<Inotify.Event> events) {
        Set<TrackFile> touched = new java.util.LinkedHashSet<>();
        for (Inotify.Event e : events) {
            if ((e.mask() & Inotify.IN_Q_OVERFLOW) != 0) {
                touched.addAll(files);
                continue;
            }
            touched.addAll(selfWatches.getOrDefault(e.wd(), Set.of()));
            Map<String, Set<TrackFile>> entries = dirWatches.get(e.wd());
            if (entries != null) {
                touched.addAll(entries.getOrDefault(e.name(), Set.of()));
            }
        }
        return touched;
    }

    private void linkMessages(MemorySegment buffer, byte[] bytes) {
        while (true) {
            long n;
            try {
                n = Libc.recv(linkFd, buffer, Libc.MSG_DONTWAIT, "rtnetlink link notifications");
            } catch (NativeException e) {
                if (e.errno() != Libc.EAGAIN && e.errno() != Libc.EINTR) {
                    links.values().forEach(TrackInterface::poll); // ENOBUFS: notifications lost, read them all
                }
                return;
            }
            if (n <= 0) {
                return;
            }
            MemorySegment.copy(buffer, JAVA_BYTE, 0, bytes, 0, (int) n);
            for (LinkMessages.Change c : LinkMessages.parse(bytes, (int) n)) {
                TrackInterface link = links.get(c.name());
                if (link != null) {
                    link.observed(c.up());
                }
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Libc.eventfdSignal(wakeFd);
        if (thread.isAlive()) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Libc.closeQuietly(inotifyFd);
        Libc.closeQuietly(linkFd);
        Libc.closeQuietly(wakeFd);
    }
}
