package io.floatd.vrrp.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;

/** Sends and receives VRRP messages on one interface. Thread-safe; {@link #close()} may be called from any thread. */
public interface VrrpTransport extends AutoCloseable {

    /**
     * Sends one VRRP message (already encoded, checksum included) to a peer or the VRRP multicast group,
     * with TTL / hop limit 255. Never blocks on a full send buffer: that fails with an {@link IOException}.
     */
    void send(InetAddress destination, byte[] vrrpMessage) throws IOException;

    /**
     * Waits up to {@code timeout} for the next VRRP message.
     *
     * @return the message, or {@code null} when the timeout passed first
     * @throws java.nio.channels.AsynchronousCloseException when {@link #close()} was called while waiting
     * @throws java.nio.channels.ClosedChannelException when the transport was already closed
     */
    ReceivedDatagram receive(Duration timeout) throws IOException;

    /**
     * Receives VRRP sent to this multicast group on the interface from now on. Transports that cannot carry
     * multicast (UDP, which the configuration only allows with unicast peers) refuse it.
     */
    default void joinGroup(InetAddress group) throws IOException {
        throw new IOException(this + " does not carry multicast VRRP");
    }

    /** Closes the sockets, waking any thread blocked in {@link #receive}; idempotent, never throws. */
    @Override
    void close();
}
