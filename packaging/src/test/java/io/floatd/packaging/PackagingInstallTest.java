package io.floatd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb installed, removed and purged by dpkg into a scratch root ({@code dpkg --root=DIR
 * --force-script-chrootless}: the maintainer scripts run on this host with {@code DPKG_ROOT=DIR}, which
 * deb-systemd-helper honours), as on a host where systemd is not running (an image being built, a container): the
 * enable state is what deb-systemd-helper writes, and purge must leave no link behind.
 *
 * <p>Limit: systemd is not PID 1 in the test environment, so the branches for a running systemd (daemon-reload,
 * deb-systemd-invoke stop on remove) are not exercised here; {@link PackagingLintianTest} checks that no script calls
 * systemctl except for daemon-reload.
 */
class PackagingInstallTest {
    private static final String WANTS = "etc/systemd/system/multi-user.target.wants/floatd.service";
    private static final String MASK = "etc/systemd/system/floatd.service";

    @TempDir
    Path root;

    @BeforeEach
    void emptyDpkgDatabase() throws IOException {
        assumeTrue(Deb.onPath("dpkg") && Deb.onPath("deb-systemd-helper"), "dpkg and init-system-helpers are not installed here");
        assumeTrue("root".equals(System.getProperty("user.name")), "dpkg --root installs as root only");
        Path admin = Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.createDirectories(admin.resolve("info"));
        Files.createDirectories(admin.resolve("updates"));
        Files.createDirectories(admin.resolve("triggers"));
        Files.writeString(admin.resolve("status"), "");
        Files.writeString(admin.resolve("available"), "");
    }

    private Deb.Result dpkg(String... args) {
        List<String> command = new ArrayList<>(List.of("dpkg", "--root=" + root, "--force-script-chrootless",
                "--force-depends", "--force-unsafe-io"));
        command.addAll(List.of(args));
        Deb.Result r = Deb.run(Map.of(), command.toArray(String[]::new));
        assertEquals(0, r.exit(), r::toString);
        return r;
    }

    /** Every path under etc/systemd and var/lib/systemd, links included, relative to the root. */
    private List<String> systemdState() throws IOException {
        List<String> out = new ArrayList<>();
        for (String dir : List.of("etc/systemd", "var/lib/systemd")) {
            Path d = root.resolve(dir);
            if (Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> s = Files.walk(d)) {
                    s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                            .forEach(p -> out.add(root.relativize(p).toString()));
                }
            }
        }
        return out;
    }

    @Test
    void installEnablesTheUnitWithoutSystemdRunning() throws IOException {
        dpkg("--install", Deb.file().toString());
        Path wants = root.resolve(WANTS);
        assertTrue(Files.isSymbolicLink(wants), () -> "no enable link; state: " + safeState());
        assertEquals(Path.of("/lib/systemd/system/floatd.service"), Files.readSymbolicLink(wants));
        assertTrue(Files.isRegularFile(root.resolve("lib/systemd/system/floatd.service")));
        assertFalse(Files.exists(root.resolve("etc/floatd/floatd.conf")), "no configuration is made: floatd does not start");
        assertEquals("0600", mode(root.resolve("etc/floatd/floatd.conf.example")));
        assertEquals("0755", mode(root.resolve("etc/floatd")));
    }

    @Test
    void removeMasksAndPurgeLeavesNoLinkBehind() throws IOException {
        dpkg("--install", Deb.file().toString());
        dpkg("--remove", "floatd");
        Path mask = root.resolve(MASK);
        assertTrue(Files.isSymbolicLink(mask), () -> "removed but not masked: " + safeState());
        assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(mask));
        assertFalse(Files.exists(root.resolve("usr/bin/floatd")));

        dpkg("--purge", "floatd");
        assertEquals(List.of(), systemdState(), "purge leaves no enable link, mask or deb-systemd-helper state");
        assertFalse(Files.exists(root.resolve("etc/floatd"), LinkOption.NOFOLLOW_LINKS), "the conffile directory goes with purge");
    }

    @Test
    void anAdministratorsDisableSurvivesAReinstallAndPurgeStillCleansUp() throws IOException {
        dpkg("--install", Deb.file().toString());
        // the administrator's systemctl disable, offline on the scratch root
        assumeTrue(Deb.onPath("systemctl"), "systemctl is not installed here");
        Deb.Result disable = Deb.run("systemctl", "--root=" + root, "disable", "floatd.service");
        assertEquals(0, disable.exit(), disable::toString);
        assertFalse(Files.exists(root.resolve(WANTS), LinkOption.NOFOLLOW_LINKS));

        dpkg("--install", Deb.file().toString());
        assertFalse(Files.exists(root.resolve(WANTS), LinkOption.NOFOLLOW_LINKS), "an upgrade re-enabled a disabled floatd");

        dpkg("--purge", "floatd");
        assertEquals(List.of(), systemdState());
    }

    private String safeState() {
        try {
            return systemdState().toString();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String mode(Path p) throws IOException {
        int bits = 0;
        for (var perm : Files.getPosixFilePermissions(p)) {
            bits |= 1 << (8 - perm.ordinal());
        }
        return String.format("%04o", bits);
    }
}
