package io.floatd.vrrp.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatd.testing.LogLines;
import io.floatd.vrrp.config.TrackFileConfig;
import io.floatd.vrrp.script.RunAs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** track_file's init_file: written in place, but never through a link nor into anything but a regular file. */
class TrackFileInitTest {
    @TempDir
    Path dir;

    private static TrackFileConfig config(Path file, boolean overwrite) {
        return new TrackFileConfig("chk", file, 1, false, 5L, overwrite, 0);
    }

    @Test
    void initFileWithOverwriteNeverWritesThroughALink() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "secret\n");
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
        Path track = Files.createSymbolicLink(dir.resolve("track"), victim);
        try (LogLines log = new LogLines("floatd.vrrp")) {
            new TrackFile(config(track, true));
            assertEquals("secret\n", Files.readString(victim));
            assertEquals(List.of("track_file chk: cannot write init_file value to " + track
                    + ": it is a symbolic link, and floatd writes through none"), log.lines());
        }
    }

    @Test
    void initFileWithoutOverwriteLeavesWhatIsThere() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "secret\n");
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("created-through-the-link"));
        new TrackFile(config(Files.createSymbolicLink(dir.resolve("track"), victim), false));
        new TrackFile(config(dangling, false));
        assertEquals("secret\n", Files.readString(victim));
        assertTrue(Files.notExists(dir.resolve("created-through-the-link")), "a dangling link is not followed either");
    }

    @Test
    void initFileOverwritesARegularFileInPlaceKeepingItsOwnerAndMode() throws Exception {
        assumeTrue(RunAs.currentUid() == 0, "runs as root, as floatd does");
        Path track = Files.writeString(dir.resolve("track"), "-3\n");
        Files.setPosixFilePermissions(track, PosixFilePermissions.fromString("rw-rw-r--"));
        Files.setAttribute(track, "unix:uid", 65534); // the application that updates it
        TrackFile t = new TrackFile(config(track, true));
        assertEquals("5\n", Files.readString(track));
        assertEquals(5, t.value());
        assertEquals(65534, Files.getAttribute(track, "unix:uid"));
        assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(track)));
        Path missing = dir.resolve("new");
        new TrackFile(config(missing, false));
        assertEquals("5\n", Files.readString(missing));
    }
}
