package io.floatd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built .deb: its files, modes, owners, control data, unit, and the extracted distribution actually running. */
class PackagingDebTest {
    /** One line of {@code dpkg-deb --contents}. */
    record Entry(String mode, String owner, String path) {
    }

    private static Map<String, Entry> contents;

    @BeforeAll
    static void readContents() {
        assumeTrue(Deb.onPath("dpkg-deb"), "dpkg-deb is not installed here (not a Debian-based host)");
        Deb.Result r = Deb.run("dpkg-deb", "--contents", Deb.file().toString());
        assertEquals(0, r.exit(), r::toString);
        contents = new LinkedHashMap<>();
        for (String line : r.out().lines().toList()) {
            String[] f = line.trim().split("\\s+", 6);
            String path = f[5].replaceFirst("^\\./", "/");
            if (path.length() > 1 && path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            contents.put(path, new Entry(f[0], f[1], path));
        }
    }

    private static Entry entry(String path) {
        Entry e = contents.get(path);
        assertTrue(e != null, () -> path + " is not in the package: " + contents.keySet());
        return e;
    }

    @Test
    void layoutModesAndOwners() {
        assertEquals("-rwxr-xr-x", entry("/usr/bin/floatd").mode());
        assertEquals("-rw-r--r--", entry("/usr/lib/floatd/floatd-cli.jar").mode());
        assertEquals("drwxr-xr-x", entry("/usr/lib/floatd/lib").mode());
        assertEquals("-rwxr-xr-x", entry("/usr/lib/floatd/runtime/bin/java").mode());
        assertEquals("-rwxr-xr-x", entry("/usr/lib/floatd/runtime/lib/jspawnhelper").mode(),
                "ProcessBuilder (notify scripts) launches through jspawnhelper");
        assertEquals("-rw-r--r--", entry("/usr/lib/floatd/runtime/lib/server/classes.jsa").mode(),
                "the runtime carries its CDS archive");
        assertEquals("-rw-r--r--", entry("/usr/lib/floatd/floatd.jsa").mode(), "the AppCDS archive of floatd run");
        assertEquals("-rw-r--r--", entry("/lib/systemd/system/floatd.service").mode());
        // the directory is readable (floatd check as a user then meets EACCES on the file, not ENOENT on the
        // directory); the configuration, which may hold auth_pass or API tokens, is root's only
        assertEquals("drwxr-xr-x", entry("/etc/floatd").mode());
        assertEquals("-rw-------", entry("/etc/floatd/floatd.conf.example").mode());
        for (String doc : List.of("README.md", "copyright", "floatd-help.txt")) {
            assertEquals("-rw-r--r--", entry("/usr/share/doc/floatd/" + doc).mode());
        }
        for (Entry e : contents.values()) {
            assertEquals("root/root", e.owner(), e::toString);
            String m = e.mode();
            assertTrue(m.startsWith("d") ? m.equals("drwxr-xr-x")
                    : m.equals("-rw-r--r--") || m.equals("-rwxr-xr-x") || e.path().startsWith("/etc/floatd/"), e::toString);
            if (m.equals("-rwxr-xr-x")) {
                assertTrue(e.path().equals("/usr/bin/floatd") || e.path().startsWith("/usr/lib/floatd/runtime/"),
                        () -> "unexpected executable " + e);
            }
        }
    }

    @Test
    void runtimeNeedsNothingBeyondLibc() throws IOException {
        assumeTrue(Deb.onPath("ldd"), "ldd is not installed here");
        Path runtime = Deb.root().resolve("usr/lib/floatd/runtime");
        List<Path> elves;
        try (var s = Files.walk(runtime)) {
            elves = s.filter(p -> p.getParent().endsWith("bin") || p.toString().endsWith(".so")
                    || p.endsWith("jspawnhelper")).filter(Files::isRegularFile).toList();
        }
        assertTrue(elves.size() > 10, elves::toString);
        for (Path elf : elves) {
            Deb.Result r = Deb.run("ldd", elf.toString());
            // libjvm.so is loaded by the launcher before the others, from lib/server
            List<String> missing = r.out().lines().filter(l -> l.contains("not found"))
                    .filter(l -> !l.strip().startsWith("libjvm.so")).toList();
            assertEquals(List.of(), missing, elf::toString);
        }
        for (String gone : List.of("libawt_xawt.so", "libjsound.so", "libsplashscreen.so")) {
            assertFalse(contents.containsKey("/usr/lib/floatd/runtime/lib/" + gone), gone);
        }
    }

    @Test
    void everyJarOnTheClassPathIsShipped() throws IOException {
        Path jar = Deb.root().resolve("usr/lib/floatd/floatd-cli.jar");
        String classPath;
        try (JarFile j = new JarFile(jar.toFile())) {
            classPath = j.getManifest().getMainAttributes().getValue("Class-Path");
        }
        Set<String> wanted = Arrays.stream(classPath.trim().split("\\s+")).map(p -> "/usr/lib/floatd/" + p)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(wanted.size() > 10, wanted::toString);
        for (String p : wanted) {
            assertEquals("-rw-r--r--", entry(p).mode(), p);
        }
        Set<String> shipped = contents.keySet().stream().filter(p -> p.matches("/usr/lib/floatd/lib/.+\\.jar"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(wanted, shipped, "lib/ holds exactly the Class-Path");
    }

    /**
     * The copyright file is machine-readable (copyright-format 1.0): floatd is Apache-2.0, and every jar shipped in
     * lib/ falls under a Files paragraph of its own (not only the catch-all {@code *}) whose License has its text in
     * a stand-alone License paragraph, so a new dependency cannot ship without its license being declared.
     */
    @Test
    void copyrightNamesTheLicenseOfFloatdAndOfEveryBundledJar() throws IOException {
        String text = Files.readString(Deb.root().resolve("usr/share/doc/floatd/copyright"));
        List<Map<String, String>> paragraphs = new java.util.ArrayList<>();
        for (String block : text.split("\n\s*\n")) {
            Map<String, String> fields = new LinkedHashMap<>();
            String key = null;
            for (String line : block.lines().toList()) {
                if (line.startsWith(" ") && key != null) {
                    fields.merge(key, "\n" + line.strip(), String::concat);
                } else if (line.indexOf(':') > 0) {
                    key = line.substring(0, line.indexOf(':'));
                    fields.put(key, line.substring(line.indexOf(':') + 1).strip());
                }
            }
            paragraphs.add(fields);
        }
        assertEquals("https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/", paragraphs.get(0).get("Format"));
        Map<String, String> licenseTexts = new LinkedHashMap<>();
        List<Map<String, String>> files = new java.util.ArrayList<>();
        for (Map<String, String> p : paragraphs.subList(1, paragraphs.size())) {
            if (p.containsKey("Files")) {
                assertTrue(p.containsKey("Copyright") && p.containsKey("License"), p::toString);
                files.add(p);
            } else {
                String license = p.get("License");
                assertTrue(license != null && license.contains("\n"), () -> "a stand-alone License paragraph with text: " + p);
                licenseTexts.put(license.substring(0, license.indexOf('\n')), license);
            }
        }
        assertEquals("*", files.get(0).get("Files"));
        assertEquals("Apache-2.0", files.get(0).get("License"), "floatd itself");
        for (Map<String, String> p : files) {
            assertTrue(licenseTexts.containsKey(p.get("License")), () -> "no text for License " + p.get("License"));
        }
        assertTrue(licenseTexts.get("Apache-2.0").contains("/usr/share/common-licenses/Apache-2.0"));
        List<String> jars = contents.keySet().stream().filter(p -> p.matches("/usr/lib/floatd/lib/.+\\.jar")).toList();
        assertTrue(jars.size() > 10, jars::toString);
        for (String jar : jars) {
            String relative = jar.substring(1);
            List<String> owners = files.subList(1, files.size()).stream()
                    .filter(p -> Arrays.stream(p.get("Files").split("\\s+")).anyMatch(g -> globMatches(g, relative)))
                    .map(p -> p.get("License")).toList();
            assertFalse(owners.isEmpty(), () -> jar + " is under no Files paragraph of the copyright file but the catch-all");
        }
        String license = Files.readString(Path.of("..", "LICENSE"));
        assertTrue(license.contains("Apache License") && license.contains("Version 2.0, January 2004"),
                "LICENSE at the root of the tree is the Apache License 2.0");
    }

    /** copyright-format 1.0 globs: {@code *} any run of characters (slashes too), {@code ?} one character. */
    private static boolean globMatches(String glob, String path) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return path.matches(re.toString());
    }

    @Test
    void controlAndConffiles() {
        Deb.Result f = Deb.run("dpkg-deb", "-f", Deb.file().toString(), "Package", "Architecture", "Depends");
        assertEquals(0, f.exit(), f::toString);
        assertTrue(f.out().contains("Package: floatd"), f::toString);
        assertTrue(f.out().contains("Architecture: amd64"), f::toString);
        assertTrue(f.out().contains("util-linux"), "setpriv is in util-linux: " + f);
        Deb.Result c = Deb.run("dpkg-deb", "-I", Deb.file().toString(), "conffiles");
        assertEquals(0, c.exit(), c::toString);
        assertEquals(List.of("/etc/floatd/floatd.conf.example"), c.out().lines().map(String::strip).toList());
        Deb.Result info = Deb.run("dpkg-deb", "-I", Deb.file().toString());
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertTrue(info.out().contains(script), info::toString);
        }
    }

    /**
     * usr/share/doc/floatd/changelog.Debian.gz (Debian policy 12.7): gzip -9n, its latest entry is the package's
     * version and is signed by the Maintainer of the control file, a real address (lintian: bogus-mail-host).
     */
    @Test
    void changelogHasTheBuildVersionAndTheMaintainer() throws IOException {
        Deb.Result f = Deb.run("dpkg-deb", "-f", Deb.file().toString(), "Version", "Maintainer");
        assertEquals(0, f.exit(), f::toString);
        Map<String, String> control = new LinkedHashMap<>();
        f.out().lines().forEach(l -> control.put(l.substring(0, l.indexOf(':')), l.substring(l.indexOf(':') + 1).strip()));
        assertEquals("floatd maintainers <maintainers@floatd.org>", control.get("Maintainer"));
        assertEquals(System.getProperty("floatd.version").replace('-', '~') + "-1", control.get("Version"),
                "the version of the build, Debian revision 1");

        Path gz = Deb.root().resolve("usr/share/doc/floatd/changelog.Debian.gz");
        assertEquals("-rw-r--r--", entry("/usr/share/doc/floatd/changelog.Debian.gz").mode());
        byte[] bytes = Files.readAllBytes(gz);
        // RFC 1952 header: FLG (byte 3) without FNAME, MTIME (bytes 4-7) zero, XFL (byte 8) 2 = best compression
        assertEquals(0, bytes[3] & 0x08, "gzip -n: no file name");
        assertEquals(0, bytes[4] | bytes[5] | bytes[6] | bytes[7], "gzip -n: no timestamp");
        assertEquals(2, bytes[8], "gzip -9");
        String text;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(text.startsWith("floatd (" + control.get("Version") + ") unstable; urgency=medium\n"), text);
        List<String> trailers = text.lines().filter(l -> l.startsWith(" -- ")).toList();
        assertEquals(1, trailers.size(), text);
        assertTrue(trailers.getFirst().matches(" -- " + java.util.regex.Pattern.quote(control.get("Maintainer"))
                + "  [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000"), trailers::toString);
        Deb.Result parsed = Deb.onPath("dpkg-parsechangelog")
                ? Deb.run("dpkg-parsechangelog", "-l", writeTemp(text).toString(), "-S", "Version") : null;
        if (parsed != null) {
            assertEquals(0, parsed.exit(), parsed::toString);
            assertEquals(control.get("Version"), parsed.out().strip());
        }
    }

    private static Path writeTemp(String text) throws IOException {
        Path p = Files.createTempFile("changelog-", "");
        p.toFile().deleteOnExit();
        return Files.writeString(p, text);
    }

    @Test
    void systemdUnit() throws IOException {
        List<String> unit = Files.readAllLines(Deb.root().resolve("lib/systemd/system/floatd.service"));
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : unit) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                keys.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertEquals("/usr/bin/floatd run -f /etc/floatd/floatd.conf $FLOATD_OPTS", keys.get("ExecStart"));
        assertEquals("-/etc/default/floatd", keys.get("EnvironmentFile"), "optional: no error when it is absent");
        assertEquals("@system-service", keys.get("SystemCallFilter"));
        assertEquals("EPERM", keys.get("SystemCallErrorNumber"), "a denied call is an error, not a SIGSYS kill of the JVM");
        assertEquals("invisible", keys.get("ProtectProc"));
        assertEquals("notify", keys.get("Type"), "floatd says READY=1 (sd_notify) once its instances run");
        assertEquals("main", keys.get("NotifyAccess"), "notify scripts (children) must not speak for floatd");
        assertEquals("30s", keys.get("WatchdogSec"), "the VRRP loop pings every 15 s");
        assertEquals("/bin/kill -HUP $MAINPID", keys.get("ExecReload"));
        assertEquals("on-failure", keys.get("Restart"));
        assertEquals("1 2", keys.get("RestartPreventExitStatus"), "a configuration error is not retried");
        assertEquals("/usr/bin/floatd check -f /etc/floatd/floatd.conf", keys.get("ExecStartPre"));
        assertEquals("143", keys.get("SuccessExitStatus"));
        Set<String> ambient = Set.of(keys.get("AmbientCapabilities").split(" "));
        assertTrue(ambient.containsAll(Set.of("CAP_NET_RAW", "CAP_NET_ADMIN")), ambient::toString);
        assertEquals(ambient, Set.of(keys.get("CapabilityBoundingSet").split(" ")));
        assertFalse(ambient.contains("CAP_SYS_ADMIN"), ambient::toString);
        assertEquals("strict", keys.get("ProtectSystem"));
        assertEquals("/run/floatd", keys.get("ReadWritePaths"));
        assertEquals("floatd", keys.get("RuntimeDirectory"));
        assertEquals("0700", keys.get("RuntimeDirectoryMode"), "the control socket's directory: root only");
        assertEquals("no", keys.get("MemoryDenyWriteExecute"), "the JIT needs W+X memory");
        assertEquals(Set.of("AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET", "AF_UNIX"),
                Set.of(keys.get("RestrictAddressFamilies").split(" ")));
        for (String on : List.of("NoNewPrivileges", "ProtectHome", "PrivateTmp", "ProtectKernelTunables", "ProtectKernelModules",
                "ProtectKernelLogs", "PrivateMounts", "LockPersonality")) {
            assertEquals("yes", keys.get(on), on);
        }
    }

    @Test
    void systemdAnalyzeVerify(@TempDir Path tmp) throws IOException {
        assumeTrue(Deb.onPath("systemd-analyze"), "systemd-analyze is not installed here");
        // the unit as installed, with /usr/bin/floatd pointing into the scratch root so its commands exist
        String unit = Files.readString(Deb.root().resolve("lib/systemd/system/floatd.service"))
                .replace("/usr/bin/floatd", Deb.root().resolve("usr/bin/floatd").toString());
        Path copy = Files.writeString(tmp.resolve("floatd.service"), unit);
        Deb.Result r = Deb.run("systemd-analyze", "verify", copy.toString());
        assertEquals(0, r.exit(), r::toString);
        assertFalse(r.err().contains("floatd.service"), r::toString);
    }

    /**
     * {@code systemd-analyze security --offline=yes} (systemd 250 and later) scores the unit as shipped: exposure 3.5
     * at most (issue 17; keepalived's own unit scores 9.6). Running as root with CAP_NET_RAW/CAP_NET_ADMIN, AF_PACKET
     * and the host's network is what a VRRP daemon is; the rest is confined.
     */
    @Test
    void systemdAnalyzeSecurityExposureIsAtMost3_5(@TempDir Path tmp) throws IOException {
        assumeTrue(Deb.onPath("systemd-analyze"), "systemd-analyze is not installed here");
        Deb.Result version = Deb.run("systemd-analyze", "--version");
        java.util.regex.Matcher v = java.util.regex.Pattern.compile("^systemd (\\d+)").matcher(version.out());
        assertTrue(v.find(), version::toString);
        assumeTrue(Integer.parseInt(v.group(1)) >= 250, "systemd-analyze security --offline needs systemd 250: " + v.group());
        Path unit = Files.copy(Deb.root().resolve("lib/systemd/system/floatd.service"), tmp.resolve("floatd.service"));
        Deb.Result r = Deb.run(Map.of("SYSTEMD_COLORS", "0"), "systemd-analyze", "security", "--offline=yes", unit.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Overall exposure level for floatd\\.service: (\\d+\\.\\d)")
                .matcher(r.out());
        assertTrue(m.find(), r::toString);
        double exposure = Double.parseDouble(m.group(1));
        assertTrue(exposure <= 3.5, () -> "exposure " + exposure + " > 3.5:\n" + r.out());
    }

    @Test
    void versionRunsFromTheScratchRootOnTheBundledRuntime() {
        Deb.Result r = Deb.run(Map.of("PATH", "/usr/bin:/bin"), Deb.root().resolve("usr/bin/floatd").toString(), "--version");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("floatd "), r::toString);
        assertTrue(r.out().contains("Java 25"), r::toString);
    }

    /**
     * {@code floatd demo} as a user of the package runs it: the bundled runtime must carry every module the demo's
     * embedded EC2 endpoint needs (jdk.httpserver), or the demo dies with a NoClassDefFoundError.
     */
    @Test
    void demoRunsFromTheScratchRootOnTheBundledRuntime() {
        Deb.Result r = Deb.run(Map.of("PATH", "/usr/bin:/bin"), Deb.root().resolve("usr/bin/floatd").toString(), "demo");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("IP associated with lb2"), r::toString);
        assertFalse(r.err().contains("NoClassDefFoundError") || r.out().contains("NoClassDefFoundError"), r::toString);
    }

    /** What {@code -Xlog:class+load} says about where a class came from, e.g. {@code shared objects file (top)}. */
    private static String source(String classLoadLog, String className) {
        return classLoadLog.lines().filter(l -> l.contains(" " + className + " source: ")).findFirst()
                .map(l -> l.substring(l.indexOf(" source: ") + 9)).orElse("(not loaded)");
    }

    @Test
    void launcherMapsTheAppCdsArchiveOnTheBundledRuntime() {
        // -Xshare:on after the launcher's -Xshare:auto: an archive that does not validate (a jar's mtime or size,
        // the layout, the runtime) is an error here instead of being ignored
        Deb.Result r = Deb.run(Map.of("PATH", "/usr/bin:/bin", "FLOATD_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info"),
                Deb.root().resolve("usr/bin/floatd").toString(), "--version");
        assertEquals(0, r.exit(), r::toString);
        // "(top)": the dynamic archive layered on the runtime's own CDS archive, i.e. floatd.jsa
        for (String c : List.of("io.floatd.cli.FloatdCommand", "io.floatd.cli.RunCommand")) {
            assertEquals("shared objects file (top)", source(r.out(), c), c);
        }
    }

    /** The launcher's footprint flags reach the JVM (BENCHMARKS.md "Footprint": each one's measurement). */
    @Test
    void launcherGivesTheJvmItsFootprintFlags() {
        Deb.Result r = Deb.run(Map.of("PATH", "/usr/bin:/bin", "FLOATD_JAVA_OPTS", "-XX:+PrintFlagsFinal"),
                Deb.root().resolve("usr/bin/floatd").toString(), "--version");
        assertEquals(0, r.exit(), r::toString);
        for (String flag : List.of("UseSerialGC = true", "TieredStopAtLevel = 1", "MaxHeapFreeRatio = 20",
                "MinHeapFreeRatio = 10", "AsyncDeflationInterval = 0", "ServiceThreadCleanupInterval = 60000")) {
            assertTrue(r.out().lines().anyMatch(l -> l.replaceAll("\\s+", " ").contains(" " + flag + " ")), flag);
        }
    }

    @Test
    void launcherLeavesTheArchiveAloneOnAnotherJava() {
        Deb.Result r = Deb.run(Map.of("FLOATD_JAVA_HOME", System.getProperty("java.home"),
                "FLOATD_JAVA_OPTS", "-Xlog:class+load=info"), Deb.root().resolve("usr/bin/floatd").toString(), "--version");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(source(r.out(), "io.floatd.cli.FloatdCommand").startsWith("file:"), r::toString);
    }

    @Test
    void launcherFollowsSymlinksAndHonoursFloatdHome(@TempDir Path tmp) throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("floatd"), Deb.root().resolve("usr/bin/floatd"));
        Deb.Result viaLink = Deb.run(link.toString(), "--version");
        assertEquals(0, viaLink.exit(), viaLink::toString);
        Files.delete(link);

        Path copy = Files.copy(Deb.root().resolve("usr/bin/floatd"), tmp.resolve("floatd-copy"));
        Deb.Result lost = Deb.run(copy.toString(), "--version");
        assertEquals(3, lost.exit(), lost::toString);
        assertTrue(lost.err().contains("FLOATD_HOME"), lost::toString);
        Deb.Result withHome = Deb.run(Map.of("FLOATD_HOME", Deb.root().resolve("usr/lib/floatd").toString()),
                copy.toString(), "--version");
        assertEquals(0, withHome.exit(), withHome::toString);
    }

    @Test
    void exampleConfigPassesCheck() {
        Path example = Deb.root().resolve("etc/floatd/floatd.conf.example");
        Deb.Result r = Deb.run(Deb.root().resolve("usr/bin/floatd").toString(), "check", "--syntax-only", "-f", example.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("valid"), r::toString);
    }

    @Test
    void helpTextsCoverEveryCommand() throws IOException {
        String help = Files.readString(Deb.root().resolve("usr/share/doc/floatd/floatd-help.txt"));
        for (String cmd : List.of("run", "check", "status", "version")) {
            assertTrue(help.contains("$ floatd help " + cmd + "\nUsage: floatd " + cmd), cmd);
        }
    }
}
