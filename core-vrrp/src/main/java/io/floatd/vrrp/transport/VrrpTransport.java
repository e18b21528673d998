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
     * Waits for the next VRRP message with no timeout: only a message or {@link #close()} ends the wait, so an idle
     * receiver never wakes (the socket transports poll their socket and the close's eventfd with no timeout). This
     * default, for transports without such a wake-up, waits a day at a time.
     *
     * @throws java.nio.channels.AsynchronousCloseException when {@link #close()} was called while waiting
     * @throws java.nio.channels.ClosedChannelException when the transport was already closed
     */
    default ReceivedDatagram receive() throws IOException {
        while (true) {
            ReceivedDatagram d = receive(Duration.ofDays(1));
            if (d != null) {
                return d;
            }
        }
    }

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
