package io.floatd.vrrp.config;

import static io.floatd.vrrp.config.Values.blockName;
import static io.floatd.vrrp.config.Values.count;
import static io.floatd.vrrp.config.Values.isWhole;
import static io.floatd.vrrp.config.Values.timer;
import static io.floatd.vrrp.config.Values.weight;
import static java.util.Map.entry;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import io.floatd.vrrp.config.Syntax.Statement;
import io.floatd.vrrp.config.Values.Weight;
import io.floatd.vrrp.script.CommandLine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The top-level blocks a vrrp_instance tracks by name: {@code vrrp_script NAME { ... }}, {@code track_file NAME
 * { ... }} (keepalived's older {@code vrrp_track_file}) and {@code vrrp_track_process NAME { ... }}
 * ({@link TrackProcessBlock}); their keyword tables, handlers and scopes.
 */
final class TrackedBlocks {
    private TrackedBlocks() {
    }

    static final Map<String, Handler<ScriptScope>> VRRP_SCRIPT = Map.ofEntries(
            entry("script", TrackedBlocks::scriptLine),
            entry("interval", (s, v) -> v.interval = timer(s)),
            entry("timeout", (s, v) -> v.timeout = timer(s)),
            entry("fall", (s, v) -> v.fall = count(s)),
            entry("rise", (s, v) -> v.rise = count(s)),
            entry("weight", (s, v) -> {
                s.noBlock();
                Weight w = weight(s.keyword(), s.args(), 0, VrrpScriptConfig.MAX_WEIGHT, true);
                v.weight = w.weight();
                v.reverse = w.reverse() != null && w.reverse();
            }),
            entry("init_fail", (s, v) -> {
                s.noValue();
                v.initFail = true;
            }),
            entry("user", TrackedBlocks::scriptUser),
            entry("script_env", (s, v) -> v.env.add(s, v)));

    private static final Set<String> VRRP_SCRIPT_KEEPALIVED = KeepalivedKeywords.names(KeepalivedKeywords.Block.VRRP_SCRIPT);

    static final Map<String, Handler<TrackFileScope>> TRACK_FILE = Map.ofEntries(
            entry("file", (s, t) -> t.file = Path.of(s.value())),
            entry("weight", (s, t) -> {
                s.noBlock();
                Weight w = weight(s.keyword(), s.args(), 0, TrackFileConfig.MAX_WEIGHT, true);
                t.weight = w.weight();
                t.reverse = w.reverse() != null && w.reverse();
            }),
            entry("init_file", (s, t) -> {
                s.noBlock();
                List<String> args = s.args();
                int n = 0;
                long value = 0;
                if (n < args.size() && !args.get(n).equals("overwrite")) {
                    if (!isWhole(args.get(n))) {
                        throw new ConfigProblem("init_file value must be a whole number, but was '" + args.get(n) + "'");
                    }
                    value = Long.parseLong(args.get(n++));
                }
                boolean overwrite = false;
                if (n < args.size()) {
                    if (!args.get(n).equals("overwrite")) {
                        throw new ConfigProblem("unknown init_file option '" + args.get(n) + "' (expected overwrite)");
                    }
                    overwrite = true;
                    n++;
                }
                if (n < args.size()) {
                    throw new ConfigProblem("init_file takes [VALUE] [overwrite], but got " + String.join(" ", args));
                }
                t.initValue = value;
                t.overwrite = overwrite;
            }));

    private static final Set<String> TRACK_FILE_KEEPALIVED = KeepalivedKeywords.names(KeepalivedKeywords.Block.TRACK_FILE);

    private static final Set<String> SCRIPT_OPTIONS = Set.of("interval", "timeout", "fall", "rise", "weight", "init_fail", "user");

    private static void scriptLine(Statement s, ScriptScope v) {
        List<String> words = ScriptWords.of(s);
        String line = words.get(1);
        if (words.size() > 2) {
            // keepalived 2.2.7 runs the first word after 'script' and drops the rest of the line
            String rest = String.join(" ", words.subList(2, words.size()));
            v.warn(s.line(), "'" + rest + "' after the script " + line + " is ignored, as keepalived ignores it; to pass"
                    + " arguments, quote the whole command line (script \"" + line + " " + rest + "\")"
                    + (words.subList(2, words.size()).stream().anyMatch(SCRIPT_OPTIONS::contains) ? ", and put each option on its own line" : ""));
        }
        List<String> argv;
        try {
            argv = io.floatd.vrrp.script.CommandLine.split(line);
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem(e.getMessage());
        }
        if (argv.isEmpty()) {
            throw new ConfigProblem("missing value after 'script'");
        }
        String command = argv.getFirst();
        if (command.startsWith("/")) {
            v.parser.ask(new HostQuestion.ScriptFile(v, s.line(), command, v::refuse));
        }
        v.script = line;
        v.scriptLine = s.line();
    }

    private static void scriptUser(Statement s, ScriptScope v) {
        ScriptUser who = GlobalDefsBlock.runAs(s);
        v.user = who.user();
        v.group = who.group();
        v.parser.ask(new HostQuestion.RunAsUser(v, s.line(), s.keyword(), who, () -> { }, v::refuse));
    }

    static void vrrpScript(Statement s, ConfigParser p) {
        String name = blockName(s, "vrrp_script");
        var v = new ScriptScope(p, name, s.line());
        p.scriptOrder.putIfAbsent(name, ++p.blocksRead);
        KeywordDispatch.dispatch(s.requireBlock(), VRRP_SCRIPT, VRRP_SCRIPT_KEEPALIVED, "vrrp_script", v);
        Located<VrrpScriptConfig> earlier = p.scripts.get(name);
        if (earlier != null) {
            p.error(s.line(), "vrrp_script " + name + " is already defined at " + p.file + ":" + earlier.line());
            return;
        }
        if (v.script == null) {
            if (!v.seen.contains("script")) {
                v.error(s.line(), "'script' is required");
            }
            return;
        }
        if (v.errors > 0) {
            // still known, so instances naming it are not also told it does not exist
            p.scripts.put(name, new Located<>(null, s.line()));
            return;
        }
        Duration timeout = v.timeout != null ? v.timeout : v.interval;
        try {
            p.scripts.put(name, new Located<>(new VrrpScriptConfig(name, v.script, v.interval, timeout, v.fall, v.rise,
                    v.weight, v.reverse, v.initFail, v.user, v.group, v.env.build(), p.file, s.line()), s.line()));
            p.scriptLines.put(name, v.scriptLine);
            v.registered = true;
        } catch (IllegalArgumentException e) {
            v.error(s.line(), e.getMessage());
            p.scripts.put(name, new Located<>(null, s.line()));
        }
    }

    static void trackFileBlock(Statement s, ConfigParser p) {
        String name = blockName(s, s.keyword());
        var t = new TrackFileScope(p, s.keyword() + " " + name + ": ");
        KeywordDispatch.dispatch(s.requireBlock(), TRACK_FILE, TRACK_FILE_KEEPALIVED, s.keyword(), t);
        Located<TrackFileConfig> earlier = p.trackFiles.get(name);
        if (earlier != null) {
            p.error(s.line(), "track_file " + name + " is already defined at " + p.file + ":" + earlier.line());
            return;
        }
        if (t.file == null && !t.seen.contains("file")) {
            t.error(s.line(), "'file' is required");
        }
        if (t.errors > 0) {
            p.trackFiles.put(name, new Located<>(null, s.line()));
            return;
        }
        p.trackFiles.put(name, new Located<>(new TrackFileConfig(name, t.file, t.weight, t.reverse, t.initValue, t.overwrite,
                s.line()), s.line()));
    }

    static void trackProcessBlock(Statement s, ConfigParser p) {
        String name = blockName(s, s.keyword());
        TrackProcessConfig read = TrackProcessBlock.read(name, s.requireBlock(), s.line(), new TrackProcessBlock.Reporter() {
            @Override
            public void error(int position, String message) {
                p.error(position, message);
            }

            @Override
            public void warn(int position, String message) {
                p.warn(position, message);
            }
        });
        Located<TrackProcessConfig> earlier = p.trackProcesses.get(name);
        if (earlier != null) {
            // keepalived accepts it and tracks the first one
            p.warn(s.line(), "vrrp_track_process " + name + " is already defined at " + p.sources.where(earlier.line())
                    + "; that one is used, as in keepalived");
            return;
        }
        p.trackProcesses.put(name, new Located<>(read, s.line()));
    }

    static final class ScriptScope extends Scope {
        String script;
        int scriptLine;
        Duration interval = VrrpScriptConfig.DEFAULT_INTERVAL;
        Duration timeout;
        int fall = 1;
        int rise = 1;
        int weight;
        boolean reverse;
        boolean initFail;
        String user;
        String group;
        final EnvDraft env = new EnvDraft();
        private final String name;
        private final int blockLine;
        /** Whether this block is the vrrp_script of its name (not a second one, refused). */
        boolean registered;

        ScriptScope(ConfigParser parser, String name, int blockLine) {
            super(parser, "vrrp_script " + name + ": ");
            this.name = name;
            this.blockLine = blockLine;
        }

        /**
         * The host refused its user or command ({@link HostValidation}): it is known but has no script, as a block
         * with an error is, so an instance naming it is not also told it does not exist.
         */
        void refuse() {
            if (registered) {
                parser.scripts.put(name, new Located<>(null, blockLine));
                parser.scriptLines.remove(name);
                registered = false;
            }
        }
    }

    static final class TrackFileScope extends Scope {
        Path file;
        int weight = TrackFileConfig.DEFAULT_WEIGHT;
        boolean reverse;
        Long initValue;
        boolean overwrite;

        TrackFileScope(ConfigParser parser, String prefix) {
            super(parser, prefix);
        }
    }
}
