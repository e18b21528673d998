package io.floatd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * packaging/prometheus/floatd.rules.yml passes Prometheus's own checker, {@code promtool check rules}, and its unit
 * tests, {@code promtool test rules floatd.rules.test.yml}; every alert there is tested both firing and silent.
 * promtool comes from Debian's prometheus package (bin/test puts it on PATH). That the metric names the rules use
 * exist in floatd's real /metrics is MonitoringTest's (cli).
 */
@SuppressWarnings("unchecked")
class PrometheusRulesTest {
    static final Path DIR = Path.of(System.getProperty("floatd.packaging.dir", "."), "prometheus");
    static final Path RULES = DIR.resolve("floatd.rules.yml");
    static final Path TESTS = DIR.resolve("floatd.rules.test.yml");

    private static String promtool() {
        assertTrue(Deb.onPath("promtool"), "promtool is not on PATH: bin/test installs it from Debian's prometheus package");
        return "promtool";
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        return (Map<String, Object>) new Yaml(new LoaderOptions()).load(Files.readString(file));
    }

    static List<String> alertNames() throws IOException {
        return ((List<Map<String, Object>>) yaml(RULES).get("groups")).stream()
                .flatMap(g -> ((List<Map<String, Object>>) g.get("rules")).stream())
                .map(r -> (String) r.get("alert")).toList();
    }

    @Test
    void promtoolCheckRulesAcceptsTheRulesFile() throws IOException {
        Deb.Result r = Deb.run(promtool(), "check", "rules", RULES.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("SUCCESS: " + alertNames().size() + " rules found"), r::toString);
    }

    @Test
    void promtoolTestRulesPassesEveryUnitTest() {
        Deb.Result r = Deb.run(promtool(), "test", "rules", TESTS.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("SUCCESS"), r::toString);
    }

    /**
     * The package ships the rules, their unit tests and the dashboard under /usr/share/doc/floatd/examples, as in
     * the source tree, and the shipped pair passes promtool there (the tests find the rules beside them).
     */
    @Test
    void theDebShipsTheRulesTheirTestsAndTheDashboardAsExamples() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Deb.onPath("dpkg-deb"), "dpkg-deb is not installed here (not a Debian-based host)");
        Path examples = Deb.root().resolve("usr/share/doc/floatd/examples");
        for (Path source : List.of(RULES, TESTS, DIR.resolveSibling("grafana").resolve("floatd-dashboard.json"))) {
            Path shipped = examples.resolve(source.getFileName());
            assertEquals(Files.readString(source), Files.readString(shipped), shipped + " differs from " + source);
            assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(shipped)));
        }
        Deb.Result r = Deb.run(promtool(), "test", "rules", examples.resolve(TESTS.getFileName()).toString());
        assertEquals(0, r.exit(), r::toString);
    }

    /** A unit test that only ever expects silence would pass a rule that never fires, and the other way round. */
    @Test
    void everyAlertIsTestedFiringAndSilent() throws IOException {
        Set<String> firing = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (Map<String, Object> test : (List<Map<String, Object>>) yaml(TESTS).get("tests")) {
            for (Map<String, Object> a : (List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())) {
                List<Object> expected = (List<Object>) a.get("exp_alerts");
                (expected == null || expected.isEmpty() ? silent : firing).add((String) a.get("alertname"));
            }
        }
        Set<String> alerts = new TreeSet<>(alertNames());
        assertEquals(Set.of("FloatdTwoMasters", "FloatdMasterWithoutIp", "FloatdIpHeldByNonMaster", "FloatdTakeoverFailed",
                "FloatdProviderBreakerOpen", "FloatdPeerSilent", "FloatdNotifyScriptFailures", "FloatdConfigReloadFailed"),
                alerts, "the alerts issue 17 asks for");
        assertEquals(alerts, firing, "alerts with a test where they fire");
        assertEquals(alerts, silent, "alerts with a test where they stay silent");
        assertFalse(yaml(TESTS).get("rule_files").toString().isEmpty());
    }
}
