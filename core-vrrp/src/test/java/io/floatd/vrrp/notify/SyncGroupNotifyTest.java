package io.floatd.vrrp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A vrrp_sync_group's notify scripts and notify_fifo line, as keepalived 2.2.7 writes them (vrrp_notify.c). */
@Timeout(60)
class SyncGroupNotifyTest {
    @TempDir
    Path dir;

    @Test
    void groupNotifyGetsGroupNameStateAndPriorityZero() throws Exception {
        Path out = dir.resolve("args");
        Path s = Scripts.write(dir, "notify.sh", "echo \"$@\" > " + out);
        try (NotifyDispatcher d = new NotifyDispatcher()) {
            d.groupStateChanged("G", NotifyState.FAULT, new NotifyHooks(s.toString(), null, null, null, null));
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals("GROUP G FAULT 0\n", Files.readString(out));
        }
    }

    @Test
    void groupStateScriptRunsWithoutArguments() throws Exception {
        Path out = dir.resolve("args");
        Path master = Scripts.write(dir, "master.sh", "echo \"master $#\" > " + out);
        try (NotifyDispatcher d = new NotifyDispatcher()) {
            d.groupStateChanged("G", NotifyState.MASTER, new NotifyHooks(null, master.toString(), null, null, null));
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals("master 0\n", Files.readString(out));
        }
    }

    @Test
    void aGroupAndAnInstanceOfTheSameNameEachGetTheirNotify() throws Exception {
        Path log = dir.resolve("log");
        Path s = Scripts.write(dir, "notify.sh", "echo \"$1 $2 $3\" >> " + log);
        NotifyHooks hooks = new NotifyHooks(s.toString(), null, null, null, null);
        try (NotifyDispatcher d = new NotifyDispatcher()) {
            d.stateChanged("X", NotifyState.MASTER, 100, hooks);
            d.groupStateChanged("X", NotifyState.MASTER, hooks);
            assertTrue(d.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(java.util.Set.of("INSTANCE X MASTER", "GROUP X MASTER"), java.util.Set.copyOf(Files.readAllLines(log)));
        }
    }

    @Test
    void fifoLineIsKeepalivedsGroupLine() {
        // keepalived: snprintf("%s \"%s\" %s %d\n", "GROUP", name, state, 0)
        assertEquals("GROUP \"G\" BACKUP 0", NotifyFifo.groupLine("G", NotifyState.BACKUP));
    }
}
