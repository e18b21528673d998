package io.floatd.vrrp.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** Issue 17: a failure as a user reads it names what went wrong, never the Java class that carried it. */
class FailuresTest {
    @Test
    void aRefusedConnectionFromARealSocketIsSaidWithoutItsClassName() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        IOException refused;
        try (Socket c = new Socket()) {
            c.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            throw new AssertionError("connected to a closed port");
        } catch (IOException e) {
            refused = e;
        }
        String text = Failures.describe(new UncheckedIOException("wrapped", refused));
        assertEquals("cannot connect: Connection refused", text);
    }

    @Test
    void theRootCauseIsDescribedAndClassNamePrefixesInMessagesAreDropped() {
        assertEquals("Connection reset", Failures.describe(
                new IOException("java.net.SocketException: Connection reset", new RuntimeException("java.net.SocketException: Connection reset"))));
        assertEquals("no answer in time: Read timed out", Failures.describe(new RuntimeException(new SocketTimeoutException("Read timed out"))));
        assertEquals("odd", Failures.describe(new IllegalStateException("IllegalArgumentException: odd")));
    }

    @Test
    void aFileProblemSaysWhichFileAndWhatWentWrong() {
        assertEquals("permission denied: /run/floatd", Failures.describe(new AccessDeniedException("/run/floatd")));
        assertEquals("no such file or directory: /etc/x", Failures.describe(new NoSuchFileException("/etc/x")));
    }

    @Test
    void aCauseWithoutAMessageIsNotItsClassName() {
        String text = Failures.describe(new NullPointerException());
        assertEquals("an unexpected error (--debug shows where)", text);
        assertFalse(Failures.describe(new ConnectException()).contains("Exception"));
    }
}
