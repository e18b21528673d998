package io.floatd.vrrp.provider;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a cloud API during a provider's JIT warm-up: an HTTP/1.1 responder on 127.0.0.1 (an ephemeral
 * port) that answers each request from memory through {@link Answer}, keeping connections open as the real APIs do,
 * so the provider's own HTTP client and parsers run exactly the code a takeover runs. It answers loopback peers
 * only, at most {@link #MAX_CONNECTIONS} at once, drops a connection silent for two seconds, runs at the lowest CPU
 * priority ({@link BackgroundPriority}) and
 * lives only as long as the warm-up.
 */
public final class WarmUpResponder implements AutoCloseable {
    /** One canned answer. */
    public record Reply(int status, String contentType, byte[] body) {
    }

    /** The answer to one request (method, path with query, body). */
    @FunctionalInterface
    public interface Answer {
        Reply answer(String method, String path, byte[] body);
    }

    private static final int IDLE_MILLIS = 2000;
    private static final int MAX_HEADER_BYTES = 16 * 1024;
    /** A warm-up request is a few hundred bytes; anything this large is not one (and must not fill the heap). */
    private static final int MAX_BODY_BYTES = 64 * 1024;
    /** Connections served at once: the warm-up's client keeps one open. */
    static final int MAX_CONNECTIONS = 4;

    private final ServerSocket server;
    private final Answer answer;
    private final Thread thread;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();

    private WarmUpResponder(ServerSocket server, Answer answer) {
        this.server = server;
        this.answer = answer;
        this.thread = Thread.ofPlatform().name("warm-up-responder").daemon(true).start(this::serve);
    }

    /** Listens on 127.0.0.1; an IOException where loopback cannot be bound. */
    public static WarmUpResponder start(Answer answer) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new WarmUpResponder(s, answer);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Requests answered so far. */
    public int requests() {
        return requests.get();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    private void serve() {
        BackgroundPriority.lowerCurrentThread();
        while (!server.isClosed()) {
            Socket c;
            try {
                c = server.accept();
            } catch (IOException e) {
                return; // closed, or accept itself fails: the warm-up's client then fails and the warm-up ends
            }
            if (active.incrementAndGet() > MAX_CONNECTIONS) {
                active.decrementAndGet();
                closeQuietly(c); // the warm-up uses one: more come from somewhere else
                continue;
            }
            connections.incrementAndGet();
            Thread.ofPlatform().name("warm-up-connection").daemon(true).start(() -> {
                try {
                    converse(c);
                } finally {
                    active.decrementAndGet();
                }
            });
        }
    }

    private static void closeQuietly(Socket c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to recover
        }
    }

    /** Answers the requests of one kept-alive connection until the client closes it or goes quiet. */
    private void converse(Socket c) {
        BackgroundPriority.lowerCurrentThread();
        try (c) {
            if (!c.getInetAddress().isLoopbackAddress()) {
                return;
            }
            c.setSoTimeout(IDLE_MILLIS);
            c.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(c.getInputStream());
            OutputStream out = c.getOutputStream();
            boolean open = true;
            while (open) {
                open = answerOne(in, out);
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or quiet, or the answer failed: the warm-up's client sees a closed connection
        }
    }

    /** Reads one request and answers it; false at the end of the connection or on a request it does not take. */
    private boolean answerOne(InputStream in, OutputStream out) throws IOException {
        String head = readHead(in);
        if (head == null) {
            return false;
        }
        String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
        int length = contentLength(head);
        if (requestLine.length < 2 || length < 0 || length > MAX_BODY_BYTES) {
            return false;
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            return false;
        }
        Reply r = answer.answer(requestLine[0], requestLine[1], body);
        requests.incrementAndGet(); // before the answer leaves: a client that has read it may count on it
        byte[] headers = ("HTTP/1.1 " + r.status() + " " + (r.status() < 300 ? "OK" : "Error") + "\r\nContent-Type: "
                + r.contentType() + "\r\nContent-Length: " + r.body().length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] response = new byte[headers.length + r.body().length];
        System.arraycopy(headers, 0, response, 0, headers.length);
        System.arraycopy(r.body(), 0, response, headers.length, r.body().length);
        out.write(response);
        out.flush();
        return true;
    }

    /** The request line and headers up to the blank line, or null at the end of the stream or when too long. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            int n = b.length();
            if (n >= 4 && b.charAt(n - 1) == '\n' && b.charAt(n - 2) == '\r' && b.charAt(n - 3) == '\n'
                    && b.charAt(n - 4) == '\r') {
                return b.toString();
            }
            if (n > MAX_HEADER_BYTES) {
                return null;
            }
        }
        return null;
    }

    /** The Content-Length header's value; 0 when missing (a GET), -1 when malformed. */
    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    return Integer.parseInt(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return 0;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing a listening socket: nothing to recover
        }
        thread.interrupt();
    }
}
