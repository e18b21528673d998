package io.floatd.vrrp.config;

import io.floatd.vrrp.script.CommandLine;
import io.floatd.vrrp.script.ScriptEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * keepalived's script security rule: a script run as root must not be modifiable or replaceable by a non-root
 * user. Checked once per configuration, by {@link HostValidation} after the parse.
 *
 * <p>What is checked is what would be executed, resolved as {@link io.floatd.vrrp.notify.ScriptRunner} runs it:
 * <ul>
 *   <li>a line run directly: its command, an absolute path as written, a relative one from {@code /} (the
 *       scripts' working directory), a bare name through the script's {@code PATH} ({@link ScriptEnv#PATH} unless
 *       {@code script_env} sets one; the first executable match);</li>
 *   <li>a line with shell syntax ({@link CommandLine#needsShell}): {@code /bin/sh}, plus the script the line
 *       starts with when its first word is a plain absolute path ({@code /etc/keepalived/up.sh > /tmp/log}).
 *       Commands later in the line, and what the script itself runs, are not checked.</li>
 * </ul>
 * For each such file, every component of its path as written and of its real path (symbolic links resolved)
 * is examined, from {@code /} down to the file. A component is insecure when it is owned by a non-root user, or
 * is writable by others, or by a group other than root (gid 0) - except a directory with the sticky bit (such
 * as {@code /tmp}), where only an entry's owner may rename or remove it. A symbolic link is only judged by its
 * owner. This is the rule keepalived 2.2.7 applies (observed: a root-owned script in {@code /tmp} passes, one in
 * a 0777 or a group-{@code nogroup} 0775 directory, or owned by {@code nobody}, does not).
 */
final class ScriptSecurity {
    private static final Path SH = Path.of("/bin/sh");
    private static final String SHELL_SPECIAL = "|&;<>()$`\\\"'*?[]{}#~=!";

    private ScriptSecurity() {
    }

    /**
     * Why a script line is not secure to run as root.
     *
     * @param unverifiable the file could not be examined (missing, not in PATH): not a violation in itself, but
     *     enable_script_security cannot vouch for it
     */
    public record Finding(String message, boolean unverifiable) {
    }

    /** The first problem with running {@code line} as root, or empty when there is none. Never throws. */
    static Optional<Finding> check(String line) {
        return check(line, ScriptEnv.PATH);
    }

    /** As {@link #check(String)}, a bare command name being looked up in {@code path}: the script's PATH. */
    static Optional<Finding> check(String line, String path) {
        List<Path> files;
        try {
            files = executables(line, path);
        } catch (IllegalArgumentException e) {
            return Optional.of(new Finding(e.getMessage(), true));
        }
        for (Path file : files) {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) || !Files.exists(file)) {
                return Optional.of(new Finding(file + " does not exist", true));
            }
            Optional<String> problem = problem(file);
            if (problem.isPresent()) {
                return Optional.of(new Finding(problem.get(), false));
            }
        }
        return Optional.empty();
    }

    /**
     * The files a script line executes, as far as they can be told from the line.
     *
     * @throws IllegalArgumentException when the command cannot be resolved (unbalanced quote, not in PATH)
     */
    static List<Path> executables(String line) {
        return executables(line, ScriptEnv.PATH);
    }

    static List<Path> executables(String line, String path) {
        Set<Path> files = new LinkedHashSet<>();
        if (CommandLine.needsShell(line)) {
            files.add(SH);
            firstPlainWord(line).filter(w -> w.startsWith("/")).map(Path::of).ifPresent(files::add);
            return List.copyOf(files);
        }
        List<String> argv = CommandLine.split(line);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty script line");
        }
        String command = argv.getFirst();
        if (command.indexOf('/') >= 0) {
            files.add(Path.of("/").resolve(command).normalize());
        } else {
            files.add(inPath(command, path).orElseThrow(() -> new IllegalArgumentException("command not found in PATH: " + command)));
        }
        return List.copyOf(files);
    }

    private static Optional<String> firstPlainWord(String line) {
        String rest = line.stripLeading();
        int end = 0;
        while (end < rest.length() && !Character.isWhitespace(rest.charAt(end)) && SHELL_SPECIAL.indexOf(rest.charAt(end)) < 0) {
            end++;
        }
        // a word cut short by shell syntax (/x/$NAME, /x/*.sh) names no single file
        if (end == 0 || end < rest.length() && !Character.isWhitespace(rest.charAt(end)) && rest.charAt(end) != ';'
                && rest.charAt(end) != '|' && rest.charAt(end) != '&' && rest.charAt(end) != '>' && rest.charAt(end) != '<') {
            return Optional.empty();
        }
        return Optional.of(rest.substring(0, end));
    }

    private static Optional<Path> inPath(String command, String path) {
        for (String dir : path.split(":")) {
            Path candidate = Path.of("/").resolve(dir.isEmpty() ? "." : dir).resolve(command).normalize();
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Why {@code file} (absolute) could be changed by a non-root user, or empty. */
    static Optional<String> problem(Path file) {
        List<Path> chain = new ArrayList<>(components(file));
        try {
            for (Path p : components(file.toRealPath())) {
                if (!chain.contains(p)) {
                    chain.add(p);
                }
            }
        } catch (IOException e) {
            return Optional.of("cannot resolve " + file + ": " + e.getMessage());
        }
        for (Path p : chain) {
            Optional<String> problem = component(p);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static List<Path> components(Path file) {
        List<Path> out = new ArrayList<>();
        Path p = file.getRoot();
        out.add(p);
        for (Path name : file) {
            p = p.resolve(name);
            out.add(p);
        }
        return out;
    }

    private static Optional<String> component(Path p) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of("cannot read the owner and mode of " + p + ": " + e.getMessage());
        }
        int uid = (Integer) a.get("uid");
        int gid = (Integer) a.get("gid");
        int mode = (Integer) a.get("mode");
        int type = mode & 0170000;
        String octal = String.format("%04o", mode & 07777);
        if (uid != 0) {
            return Optional.of(p + " is owned by uid " + uid + userName(p));
        }
        boolean link = type == 0120000;
        boolean stickyDirectory = type == 0040000 && (mode & 01000) != 0;
        if (link || stickyDirectory) {
            return Optional.empty();
        }
        if ((mode & 0002) != 0) {
            return Optional.of(p + " is writable by every user (mode " + octal + ")");
        }
        if ((mode & 0020) != 0 && gid != 0) {
            return Optional.of(p + " is writable by group " + gid + groupName(p) + " (mode " + octal + ")");
        }
        return Optional.empty();
    }

    private static String userName(Path p) {
        try {
            return " (" + Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName() + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static String groupName(Path p) {
        try {
            return " (" + Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .group().getName() + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }
}
