package io.floatd.ffm.testing;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace this test created (named {@code fdffm...}) and deletes on close; the ffm module's own, since
 * core's test helpers sit above it. Code runs inside it on a fresh thread that enters it with {@code setns(2)} through
 * this module's {@link Libc}, so every socket it opens belongs to the namespace whichever thread uses it later.
 */
public final class TestNamespace implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final long TIMEOUT_S = 20;

    private final String name;

    private TestNamespace(String name) {
        this.name = name;
    }

    /** Creates {@code fdffm<pid><n>} (at most 15 characters) with its loopback up. */
    public static TestNamespace create() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("network-namespace tests need root (they create namespaces and veth links)");
        }
        String name = "fdffm" + ProcessHandle.current().pid() % 100000 + "n" + SEQ.incrementAndGet();
        run(List.of("ip", "netns", "add", name));
        TestNamespace ns = new TestNamespace(name);
        ns.exec("ip", "link", "set", "lo", "up");
        return ns;
    }

    public String name() {
        return name;
    }

    /** Runs a command in the namespace and returns its output; fails on a non-zero exit. */
    public String exec(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return run(full);
    }

    /** Code run by {@link #inside}. */
    @FunctionalInterface
    public interface Action<T> {
        T run() throws Exception;
    }

    /** Runs {@code action} in the namespace, on a platform thread that enters it first and ends with the action. */
    public <T> T inside(Action<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().name("netns-" + name).start(() -> {
            try {
                enter();
                result.complete(action.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            t.interrupt();
            throw new IllegalStateException("in namespace " + name + ": no result within " + TIMEOUT_S + " s");
        }
    }

    private void enter() throws NativeException {
        int fd = Libc.open("/var/run/netns/" + name, Libc.O_RDONLY | Libc.O_CLOEXEC);
        try {
            Libc.setns(fd, Libc.CLONE_NEWNET, "setns " + name);
        } finally {
            Libc.closeQuietly(fd);
        }
    }

    @Override
    public void close() {
        run(List.of("sh", "-c", "ip netns pids " + name + " | xargs -r kill -9"));
        run(List.of("ip", "netns", "del", name));
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within " + TIMEOUT_S + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
