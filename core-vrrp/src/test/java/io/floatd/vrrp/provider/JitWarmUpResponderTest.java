package io.floatd.vrrp.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class JitWarmUpResponderTest {
    private static final WarmUpResponder.Answer ECHO = (method, path, body) -> new JitWarmUp.Reply(200,
            "text/plain", (method + " " + path + " " + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));

    @Test
    void answersEveryRequestOfAKeptAliveConnectionOnLoopbackOnly() throws Exception {
        try (WarmUpResponder r = WarmUpResponder.start(ECHO); Socket s = new Socket("127.0.0.1", r.uri().getPort())) {
            assertEquals("127.0.0.1", r.uri().getHost());
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 2; i++) {
                out.write(("POST /q HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nAct=" + i).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String response = read(in, "POST /q Act=" + i);
                assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
                assertTrue(response.contains("Content-Length: " + ("POST /q Act=" + i).length() + "\r\n"), response);
            }
            assertEquals(2, r.requests());
            assertEquals(1, r.connections());
        }
    }

    @Test
    void aBodyTooLargeForAWarmUpClosesTheConnectionUnanswered() throws Exception {
        try (WarmUpResponder r = WarmUpResponder.start(ECHO); Socket s = new Socket("127.0.0.1", r.uri().getPort())) {
            s.getOutputStream().write("POST /q HTTP/1.1\r\nContent-Length: 2000000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertEquals(-1, s.getInputStream().read(), "closed without an answer and without reading 2 GB");
            assertEquals(0, r.requests());
        }
    }

    @Test
    void connectionsBeyondTheBoundAreClosedAtOnce() throws Exception {
        try (WarmUpResponder r = WarmUpResponder.start(ECHO)) {
            java.util.List<Socket> held = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < WarmUpResponder.MAX_CONNECTIONS; i++) {
                    held.add(new Socket("127.0.0.1", r.uri().getPort()));
                }
                long end = System.nanoTime() + 5_000_000_000L;
                while (r.connections() < WarmUpResponder.MAX_CONNECTIONS && System.nanoTime() < end) {
                    Thread.sleep(10);
                }
                assertEquals(WarmUpResponder.MAX_CONNECTIONS, r.connections(), "the first ones are served");
                try (Socket extra = new Socket("127.0.0.1", r.uri().getPort())) {
                    assertEquals(-1, extra.getInputStream().read(), "one more is closed unanswered");
                }
                assertEquals(WarmUpResponder.MAX_CONNECTIONS, r.connections());
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    /** Reads until {@code tail} has arrived. */
    private static String read(InputStream in, String tail) throws Exception {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith(tail)) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }
}
