package io.floatd.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The .deb this module built (in {@code floatd.deb.dir}), extracted once into a scratch root, and a process runner. */
final class Deb {
    private static Path scratch;

    private Deb() {
    }

    /**
     * The floatd_*.deb this build wrote: the newest in the build directory (one of an earlier version or Debian
     * revision may still lie there when target/ was not cleaned).
     */
    static Path file() {
        Path dir = Path.of(System.getProperty("floatd.deb.dir", "target"));
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> debs = s.filter(p -> p.getFileName().toString().matches("floatd_.*_amd64\\.deb")).toList();
            if (debs.isEmpty()) {
                throw new IllegalStateException("no floatd_*_amd64.deb in " + dir + " (run mvn package first)");
            }
            return debs.stream().max(java.util.Comparator.comparing(p -> p.toFile().lastModified())).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The package extracted with {@code dpkg-deb -x} into a scratch root (once per test run). */
    static synchronized Path root() {
        if (scratch == null) {
            try {
                Path dir = Files.createTempDirectory("floatd-deb-");
                Result r = run(Map.of(), "dpkg-deb", "-x", file().toString(), dir.toString());
                if (r.exit() != 0) {
                    throw new IllegalStateException("dpkg-deb -x failed: " + r);
                }
                scratch = dir;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return scratch;
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a scratch directory left in /tmp
        }
    }

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Runs a command (the environment minus JAVA_HOME and FLOATD_*, plus {@code env}) with a 60 s limit. */
    static Result run(Map<String, String> env, String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().keySet().removeIf(k -> k.equals("JAVA_HOME") || k.startsWith("FLOATD_"));
            pb.environment().putAll(env);
            Path out = Files.createTempFile("floatd-out-", ".txt");
            Path err = Files.createTempFile("floatd-err-", ".txt");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Result run(String... command) {
        return run(Map.of(), command);
    }

    /** Whether an executable of that name is on PATH. */
    static boolean onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    static List<String> lines(String text) {
        return new ArrayList<>(text.lines().toList());
    }
}
