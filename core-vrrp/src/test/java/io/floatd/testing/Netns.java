package io.floatd.testing;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test host: one Linux network namespace that the test created and deletes on close.
 * Processes started in it are killed on close, so a failing test leaves nothing behind.
 */
public final class Netns implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration RUN_INSIDE_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final List<Process> processes = new ArrayList<>();

    private Netns(String name) {
        this.name = name;
    }

    /** Creates a namespace whose name starts with {@code prefix} and is unique to this JVM. */
    public static Netns create(String prefix) {
        requireRoot();
        String name = "fd" + ProcessHandle.current().pid() % 100000 + prefix + SEQ.incrementAndGet();
        if (name.length() > 15) {
            name = name.substring(name.length() - 15);
        }
        run("ip", "netns", "add", name);
        Netns ns = new Netns(name);
        ns.exec("ip", "link", "set", "lo", "up");
        return ns;
    }

    public static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("network-namespace tests need root (they create namespaces and veth links)");
        }
    }

    public String name() {
        return name;
    }

    /** Runs a command inside the namespace and returns its standard output; fails on a non-zero exit. */
    public String exec(String... command) {
        return run(inside(command));
    }

    /** Runs a command inside the namespace and returns its result, whatever the exit code. */
    public Result tryExec(String... command) {
        return runForResult(inside(command));
    }

    /** Starts a long-running process inside the namespace; it is killed when this namespace closes. */
    public Process spawn(List<String> command, Path log) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
        if (log != null) {
            pb.redirectOutput(log.toFile());
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        try {
            Process p = pb.start();
            synchronized (processes) {
                processes.add(p);
            }
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + full, e);
        }
    }

    public List<String> inside(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return full;
    }

    /** Code run by {@link #runInside}; may throw anything. */
    @FunctionalInterface
    public interface Action<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code action} in this namespace, in this JVM: on a fresh platform thread that first moves itself into
     * the namespace with {@code setns(2)} (FFM), so every socket the action creates belongs to the namespace and keeps
     * belonging to it when used later from any thread. The thread ends with the action (it is never reused), so
     * nothing else runs in the namespace by accident. Waits at most {@code RUN_INSIDE_TIMEOUT}; exceptions thrown
     * by the action are rethrown as they are, checked ones included (undeclared: tests just declare {@code throws Exception}).
     */
    public <T> T runInside(Action<T> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().name("netns-" + name).unstarted(() -> {
            try {
                enterNamespace(name);
                result.complete(action.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        t.start();
        try {
            return result.get(RUN_INSIDE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw Netns.<RuntimeException>sneaky(e.getCause());
        } catch (TimeoutException e) {
            t.interrupt();
            throw new IllegalStateException("in namespace " + name + ": action did not finish within " + RUN_INSIDE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for an action in namespace " + name, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    private static void enterNamespace(String name) throws NativeException {
        int fd = Libc.open("/var/run/netns/" + name, Libc.O_RDONLY | Libc.O_CLOEXEC);
        try {
            Libc.setns(fd, Libc.CLONE_NEWNET, "setns " + name);
        } finally {
            Libc.closeQuietly(fd);
        }
    }

    /** The MAC address of an interface in this namespace. */
    public String mac(String ifname) {
        return exec("cat", "/sys/class/net/" + ifname + "/address").trim();
    }

    @Override
    public void close() {
        synchronized (processes) {
            for (Process p : processes) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            for (Process p : processes) {
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        // processes started by others inside the namespace (e.g. a daemonised keepalived)
        runForResult(List.of("sh", "-c", "ip netns pids " + name + " | xargs -r kill -9"));
        runForResult(List.of("ip", "netns", "del", name));
    }

    @Override
    public String toString() {
        return name;
    }

    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    public static String run(String... command) {
        return run(List.of(command));
    }

    public static String run(List<String> command) {
        Result r = runForResult(command);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + r.exitCode() + ": " + r.output());
        }
        return r.output();
    }

    public static Result runForResult(List<String> command) {
        try {
            Path out = Files.createTempFile("netns", ".out");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return new Result(-1, "timed out after " + COMMAND_TIMEOUT + ": " + command);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
