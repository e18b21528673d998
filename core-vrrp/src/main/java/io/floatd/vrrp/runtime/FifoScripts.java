package io.floatd.vrrp.runtime;

import io.floatd.vrrp.config.GlobalDefs;
import io.floatd.vrrp.config.ScriptUser;
import io.floatd.vrrp.script.RunAs;
import io.floatd.vrrp.notify.ScriptResult;
import io.floatd.vrrp.notify.ScriptRunner;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * keepalived's {@code notify_fifo_script} / {@code vrrp_notify_fifo_script}: each FIFO's reader, started once when
 * the FIFO exists, with the FIFO's path as its last argument, as {@code script_user} with the scripts' environment.
 * It runs until floatd stops (its process group is then killed); when it exits on its own that is logged, and it is
 * not started again, as keepalived does ("notify fifo script terminated").
 */
final class FifoScripts implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("floatd.notify");
    /** keepalived gives the script no timeout; this one only keeps the arithmetic finite. */
    private static final Duration NEVER = Duration.ofDays(365L * 100);

    private final Map<Path, String> scripts;
    private final RunAs as;
    private final GlobalDefs global;
    private final List<Thread> running = new ArrayList<>();

    FifoScripts(GlobalDefs global) {
        this.global = global;
        this.scripts = global.notifyFifoScripts();
        RunAs user = null;
        if (global.scriptUser() != null) {
            try {
                user = RunAs.lookUp(global.scriptUser(), global.scriptGroup());
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "notify_fifo_script: script_user {0}: {1}; running as floatd''s user",
                        global.scriptUser(), e.getMessage());
            }
        }
        this.as = user;
    }

    /** Starts every script, each on its own virtual thread; call once the FIFOs exist. */
    synchronized void start() {
        ScriptRunner runner = new ScriptRunner(NEVER);
        scripts.forEach((fifo, script) -> running.add(Thread.ofVirtual().name("notify-fifo-script").start(() -> {
            LOG.log(Level.INFO, "Starting notify fifo script {0} {1}", script, fifo);
            RunAs user = as;
            ScriptUser own = global.notifyFifoScriptUsers().get(fifo);
            if (own != null) {
                try {
                    user = RunAs.lookUp(own.user(), own.group());
                } catch (IllegalArgumentException e) {
                    // keepalived ignores a script it has no user for
                    LOG.log(Level.WARNING, "Invalid user/group for notify fifo script {0} - ignoring: {1}", script, e.getMessage());
                    return;
                }
            }
            ScriptResult r = runner.run(script, List.of(fifo.toString()), user, global.scriptEnv());
            if (r.status() != ScriptResult.Status.KILLED) {
                LOG.log(Level.WARNING, "notify fifo script {0} terminated: {1}", script, r.describe());
            }
        })));
    }

    /** Stops the scripts: each one's process group is killed. */
    @Override
    public synchronized void close() {
        running.forEach(Thread::interrupt);
        for (Thread t : running) {
            try {
                t.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        running.clear();
    }
}
