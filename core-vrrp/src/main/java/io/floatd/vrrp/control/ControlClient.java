package io.floatd.vrrp.control;

import io.floatd.vrrp.control.ControlProtocol.Reply;
import io.floatd.vrrp.control.ControlProtocol.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;

/** The client's end of the control socket ({@code floatd handover} and {@code resume}): one request, one reply. */
public final class ControlClient {
    private ControlClient() {
    }

    /**
     * Sends {@code request} to the daemon listening on {@code socket} and returns its reply.
     *
     * @throws AccessDeniedException when this user may not reach the socket (its directory or its mode)
     * @throws java.nio.file.NoSuchFileException when there is no socket (no daemon, or another --control-socket)
     * @throws IOException when no daemon listens on it (a stale socket file), or the reply does not come in time
     */
    public static Reply call(Path socket, Request request, Duration timeout) throws IOException {
        // a directory this user cannot enter says "permission denied" here, not "no such file"
        Files.readAttributes(socket, BasicFileAttributes.class);
        if (!Files.isWritable(socket)) {
            throw new AccessDeniedException(socket.toString(), null, "connecting needs write permission on the socket");
        }
        // socket timeouts of the client process: real time
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                Selector selector = Selector.open()) {
            IOException unsent = null;
            try {
                ch.write(ByteBuffer.wrap(request.encodeUtf8()));
            } catch (IOException e) {
                unsent = e; // a refused peer's request is not read: the daemon replies and closes at once
            }
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(ControlProtocol.MAX_LINE);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IOException("no reply from the daemon on " + socket + " within " + timeout.toMillis() + " ms");
                }
                selector.select(left);
                selector.selectedKeys().clear();
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    throw unsent != null ? unsent
                            : new IOException("the daemon on " + socket + " closed the connection without a reply");
                }
                for (int i = 0; i < n; i++) {
                    byte b = buf.get(i);
                    if (b == '\n') {
                        return Reply.decode(line.toString(StandardCharsets.UTF_8));
                    }
                    line.write(b);
                }
                if (line.size() > ControlProtocol.MAX_LINE) {
                    throw new IOException("the daemon on " + socket + " replied with an overlong line");
                }
            }
        }
    }
}
