package io.floatd.vrrp.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatd.vrrp.config.VrrpScriptConfig;
import io.floatd.vrrp.script.RunAs;
import io.floatd.vrrp.script.ScriptEnv;
import io.floatd.vrrp.track.TrackScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts get a clean environment: the fixed set (PATH, LANG, HOME/USER/LOGNAME of the script's user) and their
 * script_env, never floatd's own, which holds the cloud credentials of a daemon running as root.
 */
@Timeout(60)
class ScriptEnvironmentTest {
    private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    private static final String DO_TOKEN = "dop_v1_0123456789abcdef";
    /** What /bin/sh itself may export to the commands it runs. */
    private static final Set<String> SHELL_OWN = Set.of("PWD", "SHLVL", "_");

    @TempDir
    Path dir;

    /** floatd's environment as a daemon with cloud credentials has it. */
    private static Map<String, String> daemonEnv() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("AWS_SECRET_ACCESS_KEY", AWS_SECRET);
        env.put("AWS_ACCESS_KEY_ID", AWS_KEY_ID);
        env.put("DIGITALOCEAN_TOKEN", DO_TOKEN);
        env.put("FLOATD_SITE", "eu-1");
        env.put("LANG", "de_DE.UTF-8");
        env.remove("LC_ALL");
        return env;
    }

    private static final ScriptEnv SCRIPT_ENV = ScriptEnv.of(List.of(
            ScriptEnv.Entry.parse("GREETING=hello world"), ScriptEnv.Entry.parse("FLOATD_SITE")));

    private static Map<String, String> readEnv(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] kv = line.split("=", 2);
            env.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return env;
    }

    private static void assertNoCredentials(Path out) throws IOException {
        String text = Files.readString(out);
        for (String secret : List.of(AWS_SECRET, AWS_KEY_ID, DO_TOKEN)) {
            assertFalse(text.contains(secret), "a credential reached the script:\n" + text);
        }
    }

    private static Set<String> beyond(Map<String, String> env, Set<String> expected) {
        Set<String> names = new TreeSet<>(env.keySet());
        names.removeAll(expected);
        names.removeAll(SHELL_OWN);
        return names;
    }

    @Test
    void aScriptSeesTheFixedSetAndItsScriptEnvAndNothingOfTheDaemons() throws Exception {
        Path out = dir.resolve("env");
        Path s = Scripts.write(dir, "env.sh", "env > " + out);
        ScriptResult r = new ScriptRunner(Duration.ofSeconds(10), daemonEnv()).run(s.toString(), List.of(), null, SCRIPT_ENV);
        assertTrue(r.succeeded(), r.toString());
        Map<String, String> env = readEnv(out);
        assertEquals(Set.of(), beyond(env, Set.of("PATH", "LANG", "HOME", "USER", "LOGNAME", "GREETING", "FLOATD_SITE")));
        assertEquals(ScriptEnv.PATH, env.get("PATH"));
        assertEquals("de_DE.UTF-8", env.get("LANG"), "floatd's own LANG");
        assertEquals(System.getProperty("user.home"), env.get("HOME"));
        assertEquals(System.getProperty("user.name"), env.get("USER"));
        assertEquals(System.getProperty("user.name"), env.get("LOGNAME"));
        assertEquals("hello world", env.get("GREETING"));
        assertEquals("eu-1", env.get("FLOATD_SITE"), "script_env NAME passes floatd's value on");
        assertNoCredentials(out);
    }

    @Test
    void aNotifyScriptRunAsNobodySeesNoCredentialsAndNobodysHome() throws Exception {
        assumeTrue(RunAs.currentUid() == 0, "switching users needs root");
        RunAs nobody = RunAs.lookUp("nobody", null);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path outDir = Files.createDirectory(dir.resolve("out"));
        Files.setPosixFilePermissions(outDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path out = outDir.resolve("env");
        Path s = Scripts.write(dir, "notify.sh", "env > " + out);
        Map<String, String> daemon = daemonEnv();
        daemon.remove("LANG");
        ScriptRunner runner = new ScriptRunner(Duration.ofSeconds(20), daemon);
        try (NotifyDispatcher d = new NotifyDispatcher(Duration.ofSeconds(5), runner::run)) {
            d.stateChanged("VI_1", NotifyState.MASTER, 150,
                    new NotifyHooks(s.toString(), null, null, null, null, nobody, SCRIPT_ENV));
            assertTrue(d.awaitIdle(Duration.ofSeconds(20)));
            assertEquals(0, d.counters().failures());
        }
        Map<String, String> env = readEnv(out);
        assertEquals(Set.of(), beyond(env, Set.of("PATH", "LANG", "HOME", "USER", "LOGNAME", "GREETING", "FLOATD_SITE")));
        assertEquals(nobody.home(), env.get("HOME"));
        assertEquals("nobody", env.get("USER"));
        assertEquals("nobody", env.get("LOGNAME"));
        assertEquals(ScriptEnv.DEFAULT_LANG, env.get("LANG"), "floatd has no LANG");
        assertEquals(ScriptEnv.PATH, env.get("PATH"));
        assertEquals("hello world", env.get("GREETING"));
        assertNoCredentials(out);
    }

    @Test
    void nothingOfTheRealDaemonEnvironmentLeaks() throws Exception {
        // floatd's (here: the test JVM's) own environment, as ScriptRunner reads it in production
        Path out = dir.resolve("env");
        Path s = Scripts.write(dir, "env.sh", "env > " + out);
        assertTrue(new ScriptRunner(Duration.ofSeconds(10)).run(s.toString(), List.of()).succeeded());
        Map<String, String> env = readEnv(out);
        assertEquals(Set.of(), beyond(env, Set.of("PATH", "LANG", "LC_ALL", "HOME", "USER", "LOGNAME")));
    }

    @Test
    void aCheckScriptGetsItsScriptEnv() throws Exception {
        Path out = dir.resolve("env");
        Path s = Scripts.write(dir, "check.sh", "env > " + out + ".tmp && mv " + out + ".tmp " + out);
        var config = new VrrpScriptConfig("chk", s.toString(), Duration.ofSeconds(10), Duration.ofSeconds(5), 1, 1, 0,
                false, false, null, null, ScriptEnv.of(List.of(ScriptEnv.Entry.parse("CHECK_PORT=8080"))), null, 0);
        try (TrackScript t = new TrackScript(config)) {
            t.start();
            long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!Files.exists(out) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        }
        Map<String, String> env = readEnv(out);
        assertEquals("8080", env.get("CHECK_PORT"));
        assertEquals(Set.of(), beyond(env, Set.of("PATH", "LANG", "LC_ALL", "HOME", "USER", "LOGNAME", "CHECK_PORT")));
    }

    @Test
    void theFixedSetFollowsFloatdsLocaleAndScriptEnvWinsOverIt() {
        Map<String, String> daemon = Map.of("LANG", "en_GB.UTF-8", "LC_ALL", "C", "SECRET_TOKEN", "x");
        RunAs svc = new RunAs("svc", null, 990, 990, "/var/lib/svc");
        Map<String, String> plain = ScriptEnv.NONE.environment(svc, daemon);
        assertEquals(Map.of("PATH", ScriptEnv.PATH, "LANG", "en_GB.UTF-8", "LC_ALL", "C", "HOME", "/var/lib/svc",
                "USER", "svc", "LOGNAME", "svc"), plain);
        ScriptEnv own = ScriptEnv.of(List.of(ScriptEnv.Entry.parse("PATH=/opt/bin:/usr/bin"), ScriptEnv.Entry.parse("HOME"),
                ScriptEnv.Entry.parse("EMPTY=")));
        Map<String, String> env = own.environment(svc, daemon);
        assertEquals("/opt/bin:/usr/bin", env.get("PATH"), "script_env PATH=... replaces the fixed PATH");
        assertEquals("/var/lib/svc", env.get("HOME"), "a pass-through floatd does not have leaves the fixed value");
        assertEquals("", env.get("EMPTY"));
        assertFalse(env.containsKey("SECRET_TOKEN"));
    }

    @Test
    void aBlocksEntriesGoOverGlobalDefs() {
        ScriptEnv global = ScriptEnv.of(List.of(ScriptEnv.Entry.parse("A=1"), ScriptEnv.Entry.parse("B=2")));
        ScriptEnv block = ScriptEnv.of(List.of(ScriptEnv.Entry.parse("B=3"), ScriptEnv.Entry.parse("C")));
        ScriptEnv merged = block.over(global);
        assertEquals(List.of(new ScriptEnv.Entry("A", "1"), new ScriptEnv.Entry("B", "3"), new ScriptEnv.Entry("C", null)),
                merged.entries());
        assertEquals(List.of(new ScriptEnv.Entry("B", "3"), new ScriptEnv.Entry("C", null)), merged.beyond(global));
        assertEquals("ScriptEnv[A=…, B=…, C]", merged.toString(), "values never reach a log line");
    }
}
