package io.floatd.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every module with main code declares itself in a {@code module-info.java} (issue 18), so javac enforces what it
 * requires and exports when its main code compiles; a module without one would compile on the class path and
 * reach anything. Its pom names the same module in {@code floatd.module}, which the build's test compilation needs
 * (the parent pom's {@code java-module} profile).
 */
class ModuleDescriptorsTest {
    private static final Pattern MODULE = Pattern.compile("^module ([\\w.]+) \\{", Pattern.MULTILINE);
    private static final Pattern POM_NAME = Pattern.compile("<floatd\\.module>([\\w.]+)</floatd\\.module>");

    @Test
    void everyModuleWithMainCodeHasADescriptorNamedInItsPom() throws IOException {
        Path root = ArchitectureRulesTest.projectRoot();
        Set<Path> modules = new TreeSet<>();
        for (Path f : ArchitectureRulesTest.mainSources(root)) {
            String p = f.toString().replace('\\', '/');
            modules.add(Path.of(p.substring(0, p.indexOf("/src/main/java/"))));
        }
        assertTrue(modules.size() >= 6, "the scan saw the modules: " + modules);
        List<String> wrong = new ArrayList<>();
        for (Path m : modules) {
            Path info = m.resolve("src/main/java/module-info.java");
            if (!Files.isRegularFile(info)) {
                wrong.add(root.relativize(m) + ": no src/main/java/module-info.java");
                continue;
            }
            Matcher name = MODULE.matcher(Files.readString(info, StandardCharsets.UTF_8));
            Matcher pom = POM_NAME.matcher(Files.readString(m.resolve("pom.xml"), StandardCharsets.UTF_8));
            String declared = name.find() ? name.group(1) : "(none)";
            String named = pom.find() ? pom.group(1) : "(none)";
            if (!declared.equals(named)) {
                wrong.add(root.relativize(m) + ": module-info declares " + declared + ", pom's floatd.module is " + named);
            }
        }
        assertEquals(List.of(), wrong);
    }
}
