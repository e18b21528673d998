package io.floatd.vrrp.config;

import static java.util.Map.entry;

import io.floatd.vrrp.config.Syntax.ConfigProblem;
import io.floatd.vrrp.config.Syntax.Statement;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads keepalived.conf as keepalived does, for the part floatd implements.
 *
 * <p>Each block has one keyword table, read top to bottom like its section of {@code keepalived.conf(5)}.
 * A keyword with no handler is looked up in {@link KeepalivedKeywords}: one that cannot change who holds the
 * address (mail, SNMP, LVS, scheduling hints) is skipped with one warning saying so; any other is an error naming
 * why, never skipped: a dropped {@code track_script} would let a sick node take the address. Every error is
 * collected before giving up.
 *
 * <p>The blocks' keyword tables and handlers live beside their scopes: {@link GlobalDefsBlock},
 * {@link InstanceBlock} and {@link InstanceScope}, {@link TrackedBlocks}, {@link SyncGroupParser},
 * {@link TrackProcessBlock}; the value parsers in {@link Values}; the dispatch in {@link KeywordDispatch}; the
 * checks once the whole file is read in {@link Tracking} and {@link ScriptChecks}. This class holds the parse's
 * state and runs the passes in order.
 *
 * <p>The parse asks the host nothing: what a line names on the host (users, groups, script files) it records as a
 * {@link HostQuestion}, and {@link #read} returns a {@link ParsedConfig}; {@link HostValidation} answers the questions,
 * applies what keepalived makes of the answers, and completes the configuration ({@link #parse} does both, on this
 * host).
 */
public final class ConfigParser {
    // ---- top level ----

    private static final Map<String, Handler<Scope>> TOP = Map.ofEntries(
            entry("global_defs", (s, top) -> GlobalDefsBlock.read(s, top.parser.global)),
            entry("vrrp_instance", (s, top) -> top.parser.instance(s)),
            entry("vrrp_sync_group", (s, top) -> top.parser.syncGroups.block(s)),
            entry("vrrp_script", (s, top) -> TrackedBlocks.vrrpScript(s, top.parser)),
            entry("track_file", (s, top) -> TrackedBlocks.trackFileBlock(s, top.parser)),
            // keepalived's older name for track_file
            entry("vrrp_track_file", (s, top) -> TrackedBlocks.trackFileBlock(s, top.parser)),
            entry("vrrp_track_process", (s, top) -> TrackedBlocks.trackProcessBlock(s, top.parser)),
            entry("virtual_server", ConfigParser::skipLoadBalancer),
            entry("virtual_server_group", ConfigParser::skipLoadBalancer));

    private static final Set<String> TOP_KEEPALIVED = KeepalivedKeywords.names(KeepalivedKeywords.Block.TOP);

    private static void skipLoadBalancer(Statement s, Scope top) {
        String what = Stream.concat(Stream.of(s.keyword()), s.args().stream()).reduce((a, b) -> a + " " + b).orElseThrow();
        top.warn(s.line(), "skipped '" + what + "': keepalived's load balancer (LVS) is not part of floatd");
    }

    /** The user keepalived runs scripts as when {@code script_user} is not set, if it exists. */
    static final String DEFAULT_SCRIPT_USER = "keepalived_script";

    /** The keywords {@code block} has a handler for in this build (for the catalogue's tests and check --explain). */
    static Set<String> handled(KeepalivedKeywords.Block block) {
        return switch (block) {
            case TOP -> TOP.keySet();
            case GLOBAL_DEFS -> GlobalDefsBlock.GLOBAL_DEFS.keySet();
            case VRRP_INSTANCE -> InstanceBlock.VRRP_INSTANCE.keySet();
            case AUTHENTICATION -> InstanceBlock.AUTHENTICATION.keySet();
            case VRRP_SCRIPT -> TrackedBlocks.VRRP_SCRIPT.keySet();
            case TRACK_FILE -> TrackedBlocks.TRACK_FILE.keySet();
            case VRRP_SYNC_GROUP -> SyncGroupParser.handled();
            case VRRP_TRACK_PROCESS -> TrackProcessBlock.handled();
            default -> Set.of();
        };
    }


    /** A literal address ({@link Values#address}). */
    static InetAddress address(String what, String text) {
        return Values.address(what, text);
    }

    // ---- the parse ----

    final String file;
    private final Path path;
    final Sources sources;
    private final List<ConfigError> errors = new ArrayList<>();
    private final List<ConfigError> warnings = new ArrayList<>();
    final GlobalDefsBlock.GlobalScope global = new GlobalDefsBlock.GlobalScope(this);
    final List<InstanceScope> instances = new ArrayList<>();
    final Map<String, InstanceScope> instanceNames = new HashMap<>();
    final SyncGroupParser syncGroups = new SyncGroupParser(this);
    /** Errors and warnings past {@link ParseLimits#MAX_ERRORS}, and where the first of them was. */
    private int moreErrors;
    private int moreErrorsAt;
    private int moreWarnings;
    private int moreWarningsAt;
    /** The statement being handled ({@link #at}). */
    private int position;
    final Map<String, Located<VrrpScriptConfig>> scripts = new LinkedHashMap<>();
    /** When each vrrp_script and vrrp_instance block was read: keepalived resolves a track_script as it reads it. */
    final Map<String, Integer> scriptOrder = new HashMap<>();
    /** vrrp_scripts removed because no user can run them ({@link ScriptsWithoutUser}). */
    final Set<String> droppedScripts = new HashSet<>();
    int blocksRead;
    final Map<String, Located<TrackFileConfig>> trackFiles = new LinkedHashMap<>();
    final Set<String> usedScripts = new HashSet<>();
    final Set<String> usedTrackFiles = new HashSet<>();
    final Map<String, Located<TrackProcessConfig>> trackProcesses = new LinkedHashMap<>();
    final Set<String> usedTrackProcesses = new HashSet<>();
    /** vrrp_script name to the line of its {@code script} keyword. */
    final Map<String, Integer> scriptLines = new HashMap<>();
    final Tracking tracking = new Tracking(this);

    final ScriptChecks scriptChecks = new ScriptChecks(this);
    /**
     * What the file asks of the host (users, groups, script files), in the order the lines ask it: the parse only
     * records the questions; {@link HostValidation} answers them. The parser has no door to the host.
     */
    final List<HostQuestion> questions = new ArrayList<>();

    private final InstanceCheck instanceCheck;

    private ConfigParser(String file, Path path, ParseOptions options) {
        this.file = file;
        this.path = path;
        this.instanceCheck = options.instanceCheck();
        this.sources = new Sources(file, options.configId(), this::error);
    }

    /** Records a question for {@link HostValidation}. */
    void ask(HostQuestion question) {
        questions.add(question);
    }

    /**
     * Reads {@code file} and what it includes, then validates it against this host ({@link HostValidation} with
     * {@link HostLookups#SYSTEM}). Returns a configuration or throws {@link ConfigException} with every error found,
     * and nothing else: the daemon parses on SIGHUP, and no file may end it (see {@link ParseLimits}).
     */
    public static FloatdConfig parse(Path file) throws ConfigException {
        return parse(file, ParseOptions.defaults());
    }

    /** The same with {@code options} (the config id that {@code @ID} lines are matched against). */
    public static FloatdConfig parse(Path file, ParseOptions options) throws ConfigException {
        return HostValidation.validate(read(file, options), HostLookups.SYSTEM);
    }

    /**
     * @param fileName how errors name the file; relative {@code include}s are read from its directory (the
     *     working directory when it has none)
     */
    public static FloatdConfig parse(String text, String fileName) throws ConfigException {
        return parse(text, fileName, ParseOptions.defaults());
    }

    /** The same with {@code options} (the config id that {@code @ID} lines are matched against). */
    public static FloatdConfig parse(String text, String fileName, ParseOptions options) throws ConfigException {
        return HostValidation.validate(read(text, fileName, options), HostLookups.SYSTEM);
    }

    /**
     * The parse alone: reads {@code file} and what it includes, with every keyword table, and asks the host nothing.
     * Its errors are kept with the result, to be reported with the host's in one list by
     * {@link HostValidation#validate}, which makes the configuration.
     *
     * @throws ConfigException only for an internal error (a floatd bug), reported at the line being read
     */
    public static ParsedConfig read(Path file, ParseOptions options) throws ConfigException {
        ConfigParser parser = new ConfigParser(file.toString(), file, options);
        return parser.guarded(() -> parser.read(null));
    }

    /** The same, from {@code text}, errors naming {@code fileName} (see {@link #parse(String, String)}). */
    public static ParsedConfig read(String text, String fileName, ParseOptions options) throws ConfigException {
        Path path;
        try {
            path = Path.of(fileName);
        } catch (java.nio.file.InvalidPathException e) {
            path = Path.of("floatd.conf");
        }
        ConfigParser parser = new ConfigParser(fileName, path, options);
        return parser.guarded(() -> parser.read(text));
    }

    /** A step of the parse or of its validation. */
    @FunctionalInterface
    interface Step<T> {
        T run() throws ConfigException;
    }

    /** Runs {@code step}; a bug in it refuses the configuration with an internal error at the line being read. */
    <T> T guarded(Step<T> step) throws ConfigException {
        try {
            return step.run();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // a bug, or a limit too generous for this heap: the configuration is refused, the caller runs on
            error(position, "internal error while reading this line: " + e + " (a floatd bug: please report it;"
                    + " the configuration is refused)");
            throw new ConfigException(sortedErrors());
        }
    }

    /** @param text the main file's text, or {@code null} to read it from {@link #path} */
    private ParsedConfig read(String text) {
        var top = new Scope(this, "");
        List<Syntax.Token> tokens = text == null ? sources.expand(path) : sources.expand(text, path);
        KeywordDispatch.dispatch(Syntax.read(tokens, top::error, top::warn), TOP, TOP_KEEPALIVED, "the top level", top);
        if (global.strictLine > 0) {
            warn(global.strictLine, StrictMode.NO_FIREWALL);
        }
        return new ParsedConfig(this);
    }

    /**
     * global_defs once the whole file is read and its host questions answered; the vrrp_scripts take its script_user
     * and script_env.
     *
     * @param defaultScriptUser whether keepalived's {@link #DEFAULT_SCRIPT_USER} is the script user (no
     *     {@code script_user}, and that account exists)
     */
    GlobalDefs globalDefs(boolean defaultScriptUser) {
        if (defaultScriptUser) {
            global.builder.scriptUser(DEFAULT_SCRIPT_USER, null);
        }
        global.builder.scriptEnv(global.env.build());
        GlobalDefs globalDefs = global.builder.build();
        scriptChecks.inheritGlobals(globalDefs);
        return globalDefs;
    }

    /** Once the host's answers are in: strict mode, tracking, sync groups, and the warnings about unused blocks. */
    List<SyncGroupConfig> resolve() {
        for (InstanceScope i : instances) {
            i.applyStrict(global.strictLine > 0);
            tracking.resolveTracking(i);
        }
        List<SyncGroupConfig> groups = syncGroups.resolve();
        groupNotifyPriorityChanges();
        tracking.warnUnused();
        return groups;
    }

    /** The configuration, or every error found by the parse and its validation, in file:line order. */
    FloatdConfig build(GlobalDefs globalDefs, List<SyncGroupConfig> groups) throws ConfigException {
        List<InstanceConfig> built = new ArrayList<>();
        Map<RouterKey, InstanceConfig> routers = new HashMap<>();
        for (InstanceScope i : instances) {
            i.finish(globalDefs).ifPresent(config -> {
                checkUniqueRouter(config, routers);
                if (instanceCheck == null) {
                    built.add(config);
                    return;
                }
                InstanceCheck.Checked checked = instanceCheck.checked(config);
                checked.errors().forEach(this::error);
                built.add(checked.instance());
            });
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(sortedErrors());
        }
        return new FloatdConfig(globalDefs, built, sorted(warnings, moreWarnings, moreWarningsAt, "warnings"), groups);
    }

    /** keepalived: an instance without notify_priority_changes takes its sync group's, then global_defs'. */
    private void groupNotifyPriorityChanges() {
        for (SyncGroupParser.SyncGroupScope g : syncGroups.groups()) {
            if (g.notifyPriorityChanges != null) {
                g.members.forEach(m -> Optional.ofNullable(instanceNames.get(m.value()))
                        .filter(i -> i.notifyPriorityChanges == null)
                        .ifPresent(i -> i.notifyPriorityChanges = g.notifyPriorityChanges));
            }
        }
    }

    private List<ConfigError> sortedErrors() {
        return sorted(errors, moreErrors, moreErrorsAt, "errors");
    }

    /** In file order, then line order; the last line says how many more there were past {@link ParseLimits#MAX_ERRORS}. */
    private List<ConfigError> sorted(List<ConfigError> found, int more, int moreAt, String what) {
        List<ConfigError> out = new ArrayList<>(found);
        out.sort(Comparator.comparingInt((ConfigError e) -> sources.order(e.file())).thenComparingInt(ConfigError::line));
        if (more > 0) {
            out.add(new ConfigError(sources.file(moreAt), Sources.line(moreAt), "too many " + what + ": " + more
                    + " more from here on are not shown (at most " + ParseLimits.MAX_ERRORS + " are)"));
        }
        return out;
    }

    private void instance(Statement s) {
        if (s.args().size() != 1) {
            throw new ConfigProblem(s.args().isEmpty() ? "vrrp_instance needs a name"
                    : "vrrp_instance takes one name, but got " + s.args().size() + ": " + String.join(" ", s.args()));
        }
        var instance = new InstanceScope(this, s.args().getFirst(), s.line());
        InstanceScope other = instanceNames.putIfAbsent(instance.name, instance);
        if (other != null) {
            instance.error(s.line(), "vrrp_instance " + instance.name + " is already defined at " + sources.where(other.line));
        }
        instance.order = ++blocksRead;
        KeywordDispatch.dispatch(s.requireBlock(), InstanceBlock.VRRP_INSTANCE, InstanceBlock.VRRP_INSTANCE_KEEPALIVED,
                "vrrp_instance", instance);
        instance.complete();
        instances.add(instance);
    }

    /** An instance's place among the virtual routers: one per VRID, interface and family. */
    private record RouterKey(String interfaceName, int virtualRouterId, boolean ipv6) {
    }

    private void checkUniqueRouter(InstanceConfig config, Map<RouterKey, InstanceConfig> earlier) {
        // adverts are told apart by VRID per interface and family; a clash would mix two routers' elections
        Optional.ofNullable(earlier.putIfAbsent(new RouterKey(config.interfaceName(), config.virtualRouterId(), config.isIpv6()), config))
                .ifPresent(e -> error(config.line(), "vrrp_instance " + config.name() + ": virtual_router_id "
                        + config.virtualRouterId() + " is already used on " + config.interfaceName() + " ("
                        + (config.isIpv6() ? "IPv6" : "IPv4") + ") by vrrp_instance " + e.name() + " at "
                        + e.file() + ":" + e.line()));
    }

    /** @param position a {@link Sources} position: the line, and the included file it is in */
    void error(int position, String message) {
        if (errors.size() < ParseLimits.MAX_ERRORS) {
            errors.add(new ConfigError(sources.file(position), Sources.line(position), message));
        } else if (moreErrors++ == 0) {
            moreErrorsAt = position;
        }
    }

    /** An error a later check found, at its own file and line. */
    private void error(ConfigError e) {
        if (errors.size() < ParseLimits.MAX_ERRORS) {
            errors.add(e);
        } else if (moreErrors++ == 0) {
            moreErrorsAt = position;
        }
    }

    void warn(int position, String message) {
        if (warnings.size() < ParseLimits.MAX_ERRORS) {
            warnings.add(new ConfigError(sources.file(position), Sources.line(position), message));
        } else if (moreWarnings++ == 0) {
            moreWarningsAt = position;
        }
    }

    /** The file and line of a position, kept in the parsed configuration for later passes (HostCheck). */
    SourceLine where(int position) {
        return new SourceLine(sources.file(position), Sources.line(position));
    }

    /** The statement being handled, for an internal error's file:line. */
    void at(int position) {
        this.position = position;
    }
}
