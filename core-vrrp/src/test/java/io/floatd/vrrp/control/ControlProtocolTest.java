package io.floatd.vrrp.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.control.ControlProtocol.Action;
import io.floatd.vrrp.control.ControlProtocol.Reply;
import io.floatd.vrrp.control.ControlProtocol.Request;
import io.floatd.vrrp.control.ControlProtocol.Status;
import org.junit.jupiter.api.Test;

/** The control socket's lines: each request and reply round-trips; each malformed request names what is wrong. */
class ControlProtocolTest {
    @Test
    void requestsRoundTrip() {
        assertEquals("handover VI_1\n", new Request(Action.HANDOVER, "VI_1").encode());
        assertEquals("resume\n", new Request(Action.RESUME, null).encode(), "no instance: all of them");
        for (Request r : new Request[] {new Request(Action.HANDOVER, "VI_1"), new Request(Action.RESUME, null),
                new Request(Action.RESUME, "lb-é")}) {
            assertEquals(r, Request.decode(r.encode().strip()));
        }
    }

    @Test
    void aMalformedRequestSaysWhatAndWhatWasExpected() {
        String[][] cases = {
                {"reboot", "unknown action: 'reboot' (expected: handover, resume)"},
                {"", "unknown action: '' (expected: handover, resume)"},
                {"HANDOVER VI_1", "unknown action: 'HANDOVER' (expected: handover, resume)"},
                {"handover VI_1 VI_2", "too many words: 3 (expected: ACTION [INSTANCE])"},
                {"handover ", "instance name: '' (expected: no blanks or control characters)"},
                {"handover VI\u00011", "instance name: 'VI?1' (expected: no blanks or control characters)"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Request.decode(c[0]), c[0]);
            assertEquals(c[1], e.getMessage());
        }
    }

    @Test
    void repliesRoundTripAndAnUnknownStatusIsKept() {
        Reply ok = new Reply(Status.OK, "handover: VI_1 VI_2");
        assertEquals("ok handover: VI_1 VI_2\n", ok.encode());
        assertEquals(ok, Reply.decode(ok.encode().strip()));
        assertEquals(new Reply(Status.DENIED, "permission denied: uid 65534"), Reply.decode("denied permission denied: uid 65534"));
        assertEquals(Status.UNKNOWN_INSTANCE, Reply.decode("unknown-instance no instance named VI_9").status());
        Reply future = Reply.decode("later something new");
        assertEquals(Status.UNKNOWN, future.status());
        assertEquals("later something new", future.message(), "kept whole, for the message");
    }

    @Test
    void aReplyIsOneLineOfBoundedLength() {
        Reply r = new Reply(Status.BAD_REQUEST, "x\ny".repeat(400));
        byte[] b = r.encodeUtf8();
        assertEquals(ControlProtocol.MAX_LINE, b.length);
        assertEquals('\n', b[b.length - 1]);
        assertTrue(new String(b, 0, b.length - 1, java.nio.charset.StandardCharsets.UTF_8).indexOf('\n') < 0);
    }
}
