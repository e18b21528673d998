package io.floatd.vrrp.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-process network segment for VRRP messages: each attached node receives what is sent to its address,
 * with TTL 255, and what is sent to a multicast group it joined (not its own: multicast loopback is off). Used where no root and no network may be assumed (the demo); the real daemons use
 * {@link RawIpTransport}. A node can be cut off to simulate a crash or a partition.
 */
public final class MemoryWire {
    private final Map<InetAddress, Port> ports = new ConcurrentHashMap<>();

    /** Attaches a node with this address; the returned transport is its socket. */
    public VrrpTransport attach(InetAddress address) {
        Port port = new Port(address);
        ports.put(address, port);
        return port;
    }

    private final class Port implements VrrpTransport {
        private static final ReceivedDatagram CLOSED = new ReceivedDatagram(
                InetAddress.getLoopbackAddress(), InetAddress.getLoopbackAddress(), 0, 0, new byte[0]);
        private final InetAddress address;
        private final LinkedBlockingQueue<ReceivedDatagram> inbox = new LinkedBlockingQueue<>();
        private final java.util.Set<InetAddress> groups = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;

        Port(InetAddress address) {
            this.address = address;
        }

        @Override
        public void send(InetAddress destination, byte[] vrrpMessage) throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (destination.isMulticastAddress()) {
                for (Port to : ports.values()) {
                    if (to != this && !to.closed && to.groups.contains(destination)) {
                        to.inbox.add(new ReceivedDatagram(address, destination, 255, 1, vrrpMessage.clone()));
                    }
                }
                return;
            }
            Port to = ports.get(destination);
            if (to != null && !to.closed) {
                to.inbox.add(new ReceivedDatagram(address, destination, 255, 1, vrrpMessage.clone()));
            }
        }

        @Override
        public void joinGroup(InetAddress group) {
            groups.add(group);
        }

        @Override
        public ReceivedDatagram receive(Duration timeout) throws IOException {
            return next(timeout);
        }

        @Override
        public ReceivedDatagram receive() throws IOException {
            return next(null);
        }

        /** The next datagram, waiting up to {@code timeout} (null: until one comes or the port closes). */
        private ReceivedDatagram next(Duration timeout) throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            try {
                ReceivedDatagram d = timeout == null ? inbox.take() : inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
                if (d == CLOSED || closed) {
                    throw new ClosedChannelException();
                }
                return d;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        @Override
        public void close() {
            closed = true;
            ports.remove(address, this);
            inbox.add(CLOSED);
        }
    }
}
