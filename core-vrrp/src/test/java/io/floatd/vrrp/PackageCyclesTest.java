package io.floatd.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No package cycles in floatd's main code, across every module (issue 18): if package A uses package B, B does not
 * use A, directly or through others. A cycle means neither package can be read, tested or moved without the other;
 * the usual cure is a third package both use (as {@code event} holds what {@code runtime} publishes and
 * {@code takeover} listens to, and {@code script} what {@code config} parses and {@code notify} runs).
 *
 * <p>A use is an import of a floatd class or a qualified name in code (comments are left out: a {@code {@link}} to
 * another package is documentation, not a dependency). A cycle is reported as its packages and, per edge, the files
 * that make it.
 */
class PackageCyclesTest {
    private static final Pattern QUALIFIED = Pattern.compile("\\bio\\.floatd(?:\\.[a-z_][a-z0-9_]*)+(?=\\.[A-Z])");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    @Test
    void mainPackagesFormNoCycle() throws IOException {
        Path root = ArchitectureRulesTest.projectRoot();
        Map<String, Map<String, Set<String>>> uses = new TreeMap<>();
        for (Path f : ArchitectureRulesTest.mainSources(root)) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            Matcher pm = PACKAGE.matcher(text);
            if (!pm.find()) {
                continue;
            }
            String from = pm.group(1);
            Matcher q = QUALIFIED.matcher(COMMENTS.matcher(text).replaceAll(" "));
            while (q.find()) {
                if (!q.group().equals(from)) {
                    uses.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(q.group(), k -> new TreeSet<>())
                            .add(root.relativize(f).toString());
                }
            }
        }
        assertTrue(uses.size() > 12 && uses.containsKey("io.floatd.vrrp.runtime"), "the scan saw the packages: " + uses.keySet());
        assertEquals(List.of(), describe(cycles(edges(uses)), uses));
    }

    @Test
    void theCheckFindsACycleThroughAThirdPackage() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertEquals(List.of(List.of("a", "b", "c")), cycles(g));
        assertEquals(List.of(), cycles(Map.of("a", Set.of("b"), "b", Set.of("c"), "d", Set.of("a"))));
    }

    private static Map<String, Set<String>> edges(Map<String, Map<String, Set<String>>> uses) {
        Map<String, Set<String>> g = new HashMap<>();
        uses.forEach((from, to) -> g.put(from, to.keySet()));
        return g;
    }

    /** The strongly connected components with more than one package (Tarjan), each sorted, in sorted order. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Tarjan t = new Tarjan(graph);
        new TreeSet<>(graph.keySet()).forEach(v -> {
            if (!t.index.containsKey(v)) {
                t.visit(v);
            }
        });
        t.found.sort((x, y) -> x.getFirst().compareTo(y.getFirst()));
        return t.found;
    }

    private static List<String> describe(List<List<String>> cycles, Map<String, Map<String, Set<String>>> uses) {
        List<String> out = new ArrayList<>();
        for (List<String> cycle : cycles) {
            StringBuilder b = new StringBuilder("cycle " + cycle + ":");
            for (String from : cycle) {
                uses.getOrDefault(from, Map.of()).forEach((to, files) -> {
                    if (cycle.contains(to)) {
                        b.append("\n  ").append(from).append(" -> ").append(to).append(" in ").append(files);
                    }
                });
            }
            out.add(b.toString());
        }
        return out;
    }

    private static final class Tarjan {
        final Map<String, Set<String>> graph;
        final Map<String, Integer> index = new HashMap<>();
        final Map<String, Integer> low = new HashMap<>();
        final Deque<String> stack = new ArrayDeque<>();
        final Set<String> onStack = new TreeSet<>();
        final List<List<String>> found = new ArrayList<>();

        Tarjan(Map<String, Set<String>> graph) {
            this.graph = graph;
        }

        void visit(String v) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.push(v);
            onStack.add(v);
            for (String w : graph.getOrDefault(v, Set.of())) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (onStack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                List<String> component = new ArrayList<>();
                String w;
                do {
                    w = stack.pop();
                    onStack.remove(w);
                    component.add(w);
                } while (!w.equals(v));
                if (component.size() > 1) {
                    component.sort(String::compareTo);
                    found.add(component);
                }
            }
        }
    }
}
