package io.floatd.vrrp.transport;

import io.floatd.ffm.ReceiveBuffers;
import java.io.IOException;
import java.time.Duration;

/**
 * What the three socket transports share: one {@link DatagramSocketCore} receives through the transport's parser and
 * closes (with its companion watch, if any); a transport adds only how it opens, sends and reads a datagram.
 */
abstract sealed class SocketTransport implements VrrpTransport permits AhTransport, RawIpTransport, UdpTransport {
    private final DatagramSocketCore.Parser parser = this::parse;

    /** The socket core this transport is a thin layer over. */
    abstract DatagramSocketCore socket();

    /** The VRRP message in the datagram of {@code length} bytes now in {@code rx}, or null to drop it. */
    abstract ReceivedDatagram parse(ReceiveBuffers rx, int length);

    @Override
    public final ReceivedDatagram receive(Duration timeout) throws IOException {
        return socket().receive(timeout, parser);
    }

    @Override
    public final ReceivedDatagram receive() throws IOException {
        return socket().receive(null, parser);
    }

    /** {@code other} is closed with this transport (a mismatch watch beside it). */
    final void closeWith(AutoCloseable other) {
        socket().closeWith(other);
    }

    @Override
    public final void close() {
        socket().close();
    }
}
