package io.floatd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** packaging/k8s/floatd-daemonset.yaml parses, has what the node-VIP case needs, and its configurations pass check. */
@SuppressWarnings("unchecked")
class PackagingK8sTest {
    private static List<Map<String, Object>> documents() throws IOException {
        Path file = Path.of(System.getProperty("floatd.k8s.dir", "k8s"), "floatd-daemonset.yaml");
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file)) {
            for (Object doc : new Yaml(new LoaderOptions()).loadAll(r)) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    private static Map<String, Object> kind(String kind) throws IOException {
        return documents().stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind));
    }

    private static Map<String, Object> map(Map<String, Object> m, String... path) {
        Map<String, Object> cur = m;
        for (String key : path) {
            cur = (Map<String, Object>) cur.get(key);
            assertTrue(cur != null, key);
        }
        return cur;
    }

    @Test
    void daemonSetForTheNodeVip() throws IOException {
        Map<String, Object> ds = kind("DaemonSet");
        assertEquals("apps/v1", ds.get("apiVersion"));
        Map<String, Object> pod = map(ds, "spec", "template", "spec");
        assertEquals(Boolean.TRUE, pod.get("hostNetwork"));
        assertFalse(((Map<String, Object>) pod.get("nodeSelector")).isEmpty());
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).getFirst();
        Map<String, Object> caps = map(container, "securityContext", "capabilities");
        assertEquals(List.of("NET_RAW", "NET_ADMIN"), caps.get("add"));
        assertEquals(List.of("ALL"), caps.get("drop"));
        Map<String, Object> selector = map(ds, "spec", "selector", "matchLabels");
        assertEquals(selector, map(ds, "spec", "template", "metadata", "labels"));

        String configMap = (String) map(kind("ConfigMap"), "metadata").get("name");
        List<Map<String, Object>> volumes = (List<Map<String, Object>>) pod.get("volumes");
        assertTrue(volumes.stream().anyMatch(v -> v.get("configMap") instanceof Map<?, ?> c && configMap.equals(c.get("name"))),
                volumes::toString);
        // the root file system is read-only: floatd creates /run/floatd (its control socket) on an emptyDir
        assertEquals(Boolean.TRUE, map(container, "securityContext").get("readOnlyRootFilesystem"));
        List<Map<String, Object>> mounts = (List<Map<String, Object>>) container.get("volumeMounts");
        String run = mounts.stream().filter(m -> "/run".equals(m.get("mountPath"))).map(m -> (String) m.get("name")).findFirst()
                .orElseThrow(() -> new AssertionError("no volume on /run: " + mounts));
        assertTrue(volumes.stream().anyMatch(v -> run.equals(v.get("name")) && v.containsKey("emptyDir")), volumes::toString);
    }

    /**
     * Kubernetes' expansion of a container's command and args (the kubelet's, not a shell's): {@code $(VAR)} is the
     * value of VAR from the container's env, left as written when VAR is not defined; {@code $$} is a literal
     * {@code $}.
     */
    static String expand(String arg, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c == '$' && i + 1 < arg.length() && arg.charAt(i + 1) == '$') {
                out.append('$');
                i++;
            } else if (c == '$' && i + 1 < arg.length() && arg.charAt(i + 1) == '(' && arg.indexOf(')', i) > 0) {
                int close = arg.indexOf(')', i);
                String name = arg.substring(i + 2, close);
                out.append(env.getOrDefault(name, arg.substring(i, close + 1)));
                i = close;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * floatd runs as the container's process itself, no {@code sh -c} in between (a shell as PID 1 would not pass
     * SIGTERM on, and floatd would never send its priority-0 advert); each node's arguments, expanded as the kubelet
     * expands them, are a floatd command line that picocli accepts and that names that node's ConfigMap key.
     */
    @Test
    void floatdIsTheContainersCommandWithTheNodesConfigurationByKubernetesExpansion() throws IOException {
        Map<String, Object> pod = map(kind("DaemonSet"), "spec", "template", "spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).getFirst();
        List<String> command = (List<String>) container.get("command");
        List<String> args = (List<String>) container.get("args");
        assertEquals(List.of("/usr/bin/floatd"), command);
        for (String a : args) {
            assertFalse(a.equals("-c") || a.contains("exec ") || a.contains("${"), "a shell's syntax in args: " + args);
        }
        List<Map<String, Object>> env = (List<Map<String, Object>>) container.get("env");
        Map<String, Object> nodeName = env.stream().filter(e -> "NODE_NAME".equals(e.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no NODE_NAME in env: " + env));
        assertEquals("spec.nodeName", map(nodeName, "valueFrom", "fieldRef").get("fieldPath"));

        String mountedAt = ((List<Map<String, Object>>) container.get("volumeMounts")).stream()
                .filter(m -> "config".equals(m.get("name"))).map(m -> (String) m.get("mountPath")).findFirst().orElseThrow();
        Map<String, Object> data = map(kind("ConfigMap"), "data");
        for (String node : List.of("node-a", "node-b")) {
            List<String> argv = args.stream().map(a -> expand(a, Map.of("NODE_NAME", node))).toList();
            picocli.CommandLine.ParseResult parsed = io.floatd.cli.FloatdCommand.commandLine().parseArgs(argv.toArray(String[]::new));
            assertEquals("run", parsed.subcommand().commandSpec().name(), argv::toString);
            String file = parsed.subcommand().matchedOption("-f").getValue().toString();
            assertEquals(Path.of(mountedAt, "floatd-" + node + ".conf").toString(), file, "the node's own file");
            assertTrue(data.containsKey(Path.of(file).getFileName().toString()), () -> file + " is no key of " + data.keySet());
        }
        // an undefined variable stays as written (the kubelet's rule): the file would not exist
        assertEquals("/etc/floatd/floatd-$(NODE).conf", expand("/etc/floatd/floatd-$(NODE).conf", Map.of("NODE_NAME", "x")));
        assertEquals("$(NODE_NAME)", expand("$$(NODE_NAME)", Map.of("NODE_NAME", "x")));
    }

    /**
     * Ready on /healthz (floatd answers 200 once every instance runs and 503 naming what does not), on the address
     * --status-address gives; scheduled and evicted as a node-critical component.
     */
    @Test
    void readinessOnHealthzOfTheStatusAddressAndNodeCriticalPriority() throws IOException {
        Map<String, Object> ds = kind("DaemonSet");
        Map<String, Object> pod = map(ds, "spec", "template", "spec");
        assertEquals("system-node-critical", pod.get("priorityClassName"));
        assertEquals("kube-system", map(ds, "metadata").get("namespace"),
                "system-node-critical pods are admitted in kube-system only (by default)");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).getFirst();
        List<String> args = (List<String>) container.get("args");
        String status = args.get(args.indexOf("--status-address") + 1);
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            Map<String, Object> get = map(container, probe, "httpGet");
            assertEquals("/healthz", get.get("path"), probe);
            assertEquals(status, get.get("host") + ":" + get.get("port"), probe + " asks where floatd serves");
        }
    }

    @Test
    void configMapConfigurationsPassCheck(@TempDir Path tmp) throws IOException {
        assumeTrue(Deb.onPath("dpkg-deb"), "dpkg-deb is not installed here: no scratch root to run floatd check from");
        Map<String, Object> data = map(kind("ConfigMap"), "data");
        assertFalse(data.isEmpty());
        for (Map.Entry<String, Object> e : data.entrySet()) {
            Path conf = Files.writeString(tmp.resolve(e.getKey()), (String) e.getValue());
            Deb.Result r = Deb.run(Deb.root().resolve("usr/bin/floatd").toString(), "check", "--syntax-only", "-f", conf.toString());
            assertEquals(0, r.exit(), () -> e.getKey() + ": " + r);
        }
    }
}
