package io.floatd.vrrp.config;

import io.floatd.vrrp.script.RunAs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything a configuration asks of the host rather than of the files (issue 18): users and groups, who floatd runs
 * as, a script file's existence and modes. keepalived answers these while it reads (an unknown {@code script_user} is
 * an error at its line, a notify script's unknown user drops the script); floatd's parse only records the questions
 * ({@link HostQuestion}) and {@link HostValidation} asks them through this one door: {@code floatd check}, {@code run}
 * and a reload ask the real host ({@link #SYSTEM}); a test can give another host and prove what it makes of the file.
 */
public interface HostLookups {

    /** What a script's command is on this host. */
    enum ScriptFile { MISSING, NOT_EXECUTABLE, RUNNABLE }

    /**
     * The user and group a script runs as.
     *
     * @throws IllegalArgumentException naming what does not exist
     */
    RunAs user(String user, String group);

    /** Whether an account of this name exists (keepalived's default script user, {@code keepalived_script}). */
    boolean accountExists(String name);

    /** The uid floatd runs as. */
    int currentUid();

    /** Whether an absolute script path exists and can be run. */
    ScriptFile scriptFile(Path command);

    /**
     * keepalived's script security rule for a script run as root: what a non-root user could change on its path
     * ({@link ScriptSecurity}), with {@code path} the PATH a bare command is looked up in.
     */
    Optional<ScriptSecurity.Finding> scriptSecurity(String script, String path);

    /** This host. */
    HostLookups SYSTEM = new HostLookups() {
        @Override
        public RunAs user(String user, String group) {
            return RunAs.lookUp(user, group);
        }

        @Override
        public boolean accountExists(String name) {
            return RunAs.account(name).isPresent();
        }

        @Override
        public int currentUid() {
            return RunAs.currentUid();
        }

        @Override
        public ScriptFile scriptFile(Path command) {
            if (!Files.exists(command)) {
                return ScriptFile.MISSING;
            }
            return Files.isDirectory(command) || !Files.isExecutable(command) ? ScriptFile.NOT_EXECUTABLE
                    : ScriptFile.RUNNABLE;
        }

        @Override
        public Optional<ScriptSecurity.Finding> scriptSecurity(String script, String path) {
            return ScriptSecurity.check(script, path);
        }
    };
}
