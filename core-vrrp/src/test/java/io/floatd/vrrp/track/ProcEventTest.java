package io.floatd.vrrp.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Decoding the proc connector's messages, byte by byte (linux/cn_proc.h, host byte order). */
class ProcEventTest {
    /** nlmsghdr + cn_msg + proc_event header, then {@code data}. */
    private static ByteBuffer message(int what, int... data) {
        ByteBuffer b = ByteBuffer.allocate(76).order(ByteOrder.nativeOrder());
        b.putInt(0, 76);          // nlmsg_len
        b.putShort(4, (short) 3); // nlmsg_type NLMSG_DONE
        b.putInt(16, 1);          // cn_msg.id.idx CN_IDX_PROC
        b.putInt(20, 1);          // cn_msg.id.val CN_VAL_PROC
        b.putShort(32, (short) 40); // cn_msg.len: the proc_event
        b.putInt(36, what);       // proc_event.what
        b.putInt(40, 0);          // cpu
        b.putLong(44, 123456789L); // timestamp_ns
        for (int i = 0; i < data.length; i++) {
            b.putInt(52 + 4 * i, data[i]);
        }
        return b;
    }

    @Test
    void forkNamesTheChildAndTheParentProcess() {
        // parent_pid, parent_tgid, child_pid, child_tgid
        ProcEvent e = ProcEvent.decode(message(0x1, 100, 100, 200, 200), 76);
        assertEquals(ProcEvent.What.FORK, e.what());
        assertEquals(200, e.pid());
        assertEquals(200, e.tgid());
        assertEquals(100, e.parentTgid());
        assertFalse(e.thread());
    }

    @Test
    void aNewThreadIsAForkWhoseChildIdIsNotItsProcesss() {
        ProcEvent e = ProcEvent.decode(message(0x1, 100, 100, 201, 100), 76);
        assertTrue(e.thread());
    }

    @Test
    void execAndExitNameTheTaskAndItsProcess() {
        ProcEvent exec = ProcEvent.decode(message(0x2, 300, 300), 76);
        assertEquals(ProcEvent.What.EXEC, exec.what());
        assertEquals(300, exec.tgid());
        // exit: pid, tgid, exit_code, exit_signal
        ProcEvent exit = ProcEvent.decode(message(0x80000000, 301, 300, 9, 17), 76);
        assertEquals(ProcEvent.What.EXIT, exit.what());
        assertEquals(301, exit.pid());
        assertEquals(300, exit.tgid());
        assertTrue(exit.thread());
    }

    @Test
    void commCarriesTheNewNameUpToItsNul() {
        ByteBuffer b = message(0x200, 400, 400);
        b.put(60, "Web Content\0xyz".getBytes(StandardCharsets.UTF_8));
        ProcEvent e = ProcEvent.decode(b, 76);
        assertEquals(ProcEvent.What.COMM, e.what());
        assertEquals("Web Content", e.comm());
        ByteBuffer full = message(0x200, 400, 400);
        full.put(60, "0123456789abcdef".getBytes(StandardCharsets.UTF_8)); // 16 bytes, no NUL
        assertEquals("0123456789abcdef", ProcEvent.decode(full, 76).comm());
    }

    @Test
    void theSubscriptionsAnswerCarriesItsErrno() {
        assertEquals(0, ProcEvent.decode(message(0, 0), 76).error());
        ProcEvent refused = ProcEvent.decode(message(0, 1), 76);
        assertEquals(ProcEvent.What.ACK, refused.what());
        assertEquals(1, refused.error());
    }

    @Test
    void otherEventsAndOtherMessagesAreNotActedOn() {
        assertEquals(ProcEvent.What.OTHER, ProcEvent.decode(message(0x4, 1, 1), 76).what()); // uid change
        ByteBuffer notProc = message(0x2, 1, 1);
        notProc.putInt(16, 5); // another connector index
        assertEquals(ProcEvent.What.NOT_PROC, ProcEvent.decode(notProc, 76).what());
        assertEquals(ProcEvent.What.NOT_PROC, ProcEvent.decode(message(0x2, 1, 1), 40).what());
        ByteBuffer shortComm = message(0x200, 1, 1);
        assertEquals(ProcEvent.What.NOT_PROC, ProcEvent.decode(shortComm, 70).what());
        assertNull(ProcEvent.decode(message(0x2, 1, 1), 76).comm());
    }
}
