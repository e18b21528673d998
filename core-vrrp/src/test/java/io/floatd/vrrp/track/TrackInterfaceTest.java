package io.floatd.vrrp.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Link state from a fake sysfs tree. */
class TrackInterfaceTest {
    @TempDir
    Path sys;

    private void link(String name, String flags, String operstate) throws IOException {
        Path dir = Files.createDirectories(sys.resolve(name));
        Files.writeString(dir.resolve("flags"), flags + "\n");
        Files.writeString(dir.resolve("operstate"), operstate + "\n");
    }

    @Test
    void upNeedsAdminUpAndOperationalUp() throws IOException {
        link("eth1", "0x1003", "up");
        link("dummy0", "0x10c3", "unknown");
        link("eth2", "0x1002", "down");
        link("eth3", "0x1003", "lowerlayerdown");
        assertTrue(new TrackInterface("eth1", sys).up());
        assertTrue(new TrackInterface("dummy0", sys).up());
        assertFalse(new TrackInterface("eth2", sys).up());
        assertFalse(new TrackInterface("eth3", sys).up(), "admin up without carrier");
        assertFalse(new TrackInterface("missing", sys).up());
    }

    @Test
    void pollTellsListenersOnlyOnChange() throws IOException {
        link("eth1", "0x1003", "up");
        TrackInterface t = new TrackInterface("eth1", sys);
        List<Boolean> seen = new ArrayList<>();
        t.addListener(seen::add);
        t.poll();
        link("eth1", "0x1002", "down");
        t.poll();
        t.poll();
        link("eth1", "0x1003", "up");
        t.poll();
        assertEquals(List.of(false, true), seen);
    }
}
