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
