package io.floatd.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict little parser of the Prometheus text format 0.0.4, for tests: every line must be a HELP, a TYPE or a
 * sample; each sample's family needs HELP and TYPE lines before it; label values are unescaped.
 */
public final class PromText {
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    public record Family(String name, String type, String help) {
    }

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?");
    private static final Pattern LABEL = Pattern.compile("\\G([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    public final List<Sample> samples = new ArrayList<>();
    public final Map<String, Family> families = new LinkedHashMap<>();

    public static PromText parse(String text) {
        PromText p = new PromText();
        Map<String, String> helps = new LinkedHashMap<>();
        Set<String> seenSamplesOf = new LinkedHashSet<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                if (n == text.split("\n", -1).length) {
                    continue; // the final newline
                }
                throw new AssertionError("line " + n + ": empty line");
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                if (helps.put(m.group(1), m.group(2)) != null) {
                    throw new AssertionError("line " + n + ": second HELP for " + m.group(1));
                }
            } else if ((m = TYPE.matcher(line)).matches()) {
                String name = m.group(1);
                if (!helps.containsKey(name)) {
                    throw new AssertionError("line " + n + ": TYPE before HELP for " + name);
                }
                if (p.families.containsKey(name) || seenSamplesOf.contains(name)) {
                    throw new AssertionError("line " + n + ": TYPE for " + name + " repeated or after its samples");
                }
                p.families.put(name, new Family(name, m.group(2), helps.get(name)));
            } else if (line.startsWith("#")) {
                throw new AssertionError("line " + n + ": unexpected comment: " + line);
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                if (!p.families.containsKey(name)) {
                    throw new AssertionError("line " + n + ": sample of " + name + " without HELP and TYPE");
                }
                seenSamplesOf.add(name);
                Map<String, String> labels = new LinkedHashMap<>();
                if (m.group(2) != null && !m.group(2).isEmpty()) {
                    Matcher l = LABEL.matcher(m.group(2));
                    int end = 0;
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\"));
                        end = l.end();
                    }
                    if (end != m.group(2).length()) {
                        throw new AssertionError("line " + n + ": bad labels: " + m.group(2));
                    }
                }
                p.samples.add(new Sample(name, labels, value(m.group(3), n)));
            } else {
                throw new AssertionError("line " + n + ": not a HELP, TYPE or sample line: " + line);
            }
        }
        for (String h : helps.keySet()) {
            if (!p.families.containsKey(h)) {
                throw new AssertionError("HELP without TYPE for " + h);
            }
        }
        return p;
    }

    private static double value(String v, int line) {
        return switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new AssertionError("line " + line + ": bad value " + v);
                }
            }
        };
    }

    /** The samples of {@code name} whose labels include every given {@code key, value} pair. */
    public List<Sample> find(String name, String... labelPairs) {
        List<Sample> out = new ArrayList<>();
        outer:
        for (Sample s : samples) {
            if (!s.name().equals(name)) {
                continue;
            }
            for (int i = 0; i < labelPairs.length; i += 2) {
                if (!labelPairs[i + 1].equals(s.labels().get(labelPairs[i]))) {
                    continue outer;
                }
            }
            out.add(s);
        }
        return out;
    }

    /** The one sample of {@code name} with these labels; fails when there is none or more than one. */
    public double value(String name, String... labelPairs) {
        List<Sample> f = find(name, labelPairs);
        if (f.size() != 1) {
            throw new AssertionError(f.size() + " samples of " + name + " " + List.of(labelPairs) + " in " + samples);
        }
        return f.getFirst().value();
    }
}
