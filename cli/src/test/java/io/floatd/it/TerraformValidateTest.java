package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS Terraform stacks ({@code terraform-test/aws}, and {@code terraform-test/aws-cross-az} of issue 16) through
 * the real {@code terraform validate}, against the AWS provider's own schema: every resource type, argument and
 * block the stacks use exists in {@code hashicorp/aws} 5.x, which the HCL parse of {@link TerraformTemplatesTest}
 * cannot tell. Offline: {@code terraform init -backend=false -plugin-dir DIR} installs the provider from a local
 * mirror only ({@code FLOATD_TF_PLUGIN_DIR}, default {@code /opt/tf-plugins}, laid out as
 * {@code registry.terraform.io/hashicorp/aws/VERSION/linux_amd64/}); the version check-in is off
 * ({@code CHECKPOINT_DISABLE}). Skipped where Terraform or the mirror is missing. Each stack is copied to a scratch
 * directory first, so the work tree gets no {@code .terraform}.
 */
@Timeout(600)
class TerraformValidateTest {
    private static final Path TF = repoRoot().resolve("terraform-test");
    private static final Path PLUGINS = Path.of(System.getenv().getOrDefault("FLOATD_TF_PLUGIN_DIR", "/opt/tf-plugins"));

    @TempDir
    Path tmp;

    @BeforeAll
    static void requireTerraformAndTheMirror() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(PLUGINS.resolve("registry.terraform.io/hashicorp/aws")),
                "no AWS provider in the local mirror " + PLUGINS);
        Result v = run(List.of("bash", "-c", "command -v terraform || echo none"), null, Path.of("."), 30);
        Assumptions.assumeTrue(v.out.strip().startsWith("/"), "terraform is not installed");
    }

    @Test
    void theAwsStackIsValidForTheAwsProvider() throws Exception {
        JsonObject v = validate(copy("aws"));
        assertValid(v);
    }

    @Test
    void theCrossAzStackIsValidForTheAwsProvider() throws Exception {
        JsonObject v = validate(copy("aws-cross-az"));
        assertValid(v);
    }

    /** The control: the same check refuses an argument that aws_route does not have (hcl2json lets it through). */
    @Test
    void anArgumentTheProviderDoesNotKnowIsRefused() throws Exception {
        Path stack = copy("aws-cross-az");
        Path main = stack.resolve("main.tf");
        String text = Files.readString(main);
        String good = "  network_interface_id   = aws_instance.node[0].primary_network_interface_id\n";
        assertTrue(text.contains(good), "main.tf's overlay route no longer reads as expected: update the control");
        Files.writeString(main, text.replace(good, "  network_interface      = aws_instance.node[0].primary_network_interface_id\n"));
        JsonObject v = validate(stack);
        assertFalse(v.get("valid").getAsBoolean(), v.toString());
        String summaries = v.getAsJsonArray("diagnostics").toString();
        assertTrue(summaries.contains("Unsupported argument") && summaries.contains("network_interface"), summaries);
    }

    private static void assertValid(JsonObject v) {
        assertTrue(v.get("valid").getAsBoolean(), v.toString());
        assertEquals(0, v.get("error_count").getAsInt(), v.toString());
        assertEquals(0, v.get("warning_count").getAsInt(), v.toString());
    }

    /** {@code terraform init} from the mirror, then {@code terraform validate -json}: its parsed answer. */
    private JsonObject validate(Path stack) throws Exception {
        Path config = tmp.resolve("terraformrc");
        Files.writeString(config, "");
        Map<String, String> env = Map.of("CHECKPOINT_DISABLE", "1", "TF_IN_AUTOMATION", "1",
                "TF_CLI_CONFIG_FILE", config.toString());
        Result init = run(List.of("terraform", "init", "-backend=false", "-plugin-dir=" + PLUGINS, "-input=false",
                "-no-color"), env, stack, 300);
        assertEquals(0, init.exit, "terraform init from " + PLUGINS + ":\n" + init.out + init.err);
        Result r = run(List.of("terraform", "validate", "-json", "-no-color"), env, stack, 300);
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(r.out);
        } catch (RuntimeException e) {
            throw new AssertionError("terraform validate -json answered no JSON (exit " + r.exit + "):\n" + r.out + r.err,
                    e);
        }
        return parsed.getAsJsonObject();
    }

    /** The stack's .tf files and templates (nothing of a previous init) in a scratch directory. */
    private Path copy(String stack) throws IOException {
        Path from = TF.resolve(stack);
        Path to = tmp.resolve(stack);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(from)) {
            s.filter(p -> !from.relativize(p).toString().startsWith(".terraform"))
                    .filter(p -> !p.getFileName().toString().endsWith(".tfstate")).forEach(files::add);
        }
        for (Path p : files) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target);
            }
        }
        return to;
    }

    private record Result(int exit, String out, String err) {
    }

    /** Runs {@code cmd} in {@code dir}: its exit, its stdout (validate's JSON) and, apart, its stderr. */
    private static Result run(List<String> cmd, Map<String, String> env, Path dir, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        if (env != null) {
            pb.environment().putAll(env);
        }
        Path out = Files.createTempFile("tf-validate", ".out");
        Path err = Files.createTempFile("tf-validate", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(cmd + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("terraform-test"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no terraform-test/ above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
