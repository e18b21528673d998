package io.floatd.vrrp.config;

import io.floatd.vrrp.config.KeepalivedKeywords.Block;
import io.floatd.vrrp.config.KeepalivedKeywords.Keyword;
import io.floatd.vrrp.config.KeepalivedKeywords.Treatment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What moving a keepalived.conf to floatd changes ({@code floatd check --explain}): per keyword the file uses, what
 * floatd does with it ({@link KeepalivedKeywords}), and the notify scripts that call a cloud's API to move an
 * address, which a {@code floating_ip} block replaces. Reads the file (and what it includes) as the parser does,
 * but needs no keyword to be valid: a file floatd refuses is the one most in need of this.
 */
public final class MigrationReport {

    /** A keyword the file uses, where it first does, and how often. */
    public record Use(Keyword keyword, String file, int line, int count) {
    }

    /** A script that calls a cloud API: where its line is, what was found, and what replaces it. */
    public record CloudCall(String file, int line, String keyword, String script, String found, String replacement) {
    }

    private record Api(Pattern pattern, String what, String replacement) {
    }

    private static final String AWS_EIP = "floating_ip { provider aws; mode eip; address eipalloc-...; region ... }"
            + " (providers/aws/README.md)";
    private static final String AWS_SECONDARY = "floating_ip { provider aws; mode secondary_ip; address 10.0.1.200 }"
            + " (providers/aws/README.md)";
    private static final String DO = "floating_ip { provider digitalocean; address 203.0.113.50;"
            + " token_file /etc/floatd/do-token } (README: DigitalOcean)";
    private static final String HETZNER = "floating_ip { provider hetzner; address 203.0.113.77;"
            + " token_file /etc/floatd/hcloud-token } (README: Hetzner Cloud)";
    private static final String NONE = "no floatd provider does this yet: keep the script";

    /** Checked in order; the first that matches a line names it. */
    private static final List<Api> APIS = List.of(
            new Api(Pattern.compile("\\baws\\s+ec2\\s+associate-address\\b"), "aws ec2 associate-address (an Elastic IP)", AWS_EIP),
            new Api(Pattern.compile("\\baws\\s+ec2\\s+assign-private-ip-addresses\\b"),
                    "aws ec2 assign-private-ip-addresses (a secondary private IP)", AWS_SECONDARY),
            new Api(Pattern.compile("\\baws\\s+ec2\\s+replace-route\\b"), "aws ec2 replace-route (a route table entry)", NONE),
            new Api(Pattern.compile("\\bdoctl\\s+compute\\s+(floating-ip-action|reserved-ip-action)\\b"),
                    "doctl compute floating-ip-action / reserved-ip-action (a DigitalOcean reserved IP)", DO),
            new Api(Pattern.compile("\\bcurl\\b.*api\\.digitalocean\\.com"), "curl to api.digitalocean.com (a DigitalOcean reserved IP)", DO),
            new Api(Pattern.compile("api\\.digitalocean\\.com.*\\bcurl\\b"), "curl to api.digitalocean.com (a DigitalOcean reserved IP)", DO),
            new Api(Pattern.compile("\\bhcloud\\s+floating-ip\\s+assign\\b"), "hcloud floating-ip assign (a Hetzner floating IP)", HETZNER),
            new Api(Pattern.compile("\\bcurl\\b.*api\\.hetzner\\.cloud"), "curl to api.hetzner.cloud (a Hetzner floating IP)", HETZNER),
            new Api(Pattern.compile("api\\.hetzner\\.cloud.*\\bcurl\\b"), "curl to api.hetzner.cloud (a Hetzner floating IP)", HETZNER),
            new Api(Pattern.compile("\\bgcloud\\b"), "gcloud (Google Cloud)", NONE),
            new Api(Pattern.compile("\\baz\\s+network\\b"), "az network (Azure)", NONE));

    /** Keywords that name a script run on a state change. */
    private static final Set<String> SCRIPT_KEYWORDS = Set.of("notify", "notify_master", "notify_backup", "notify_fault",
            "notify_stop", "notify_deleted", "notify_master_rx_lower_pri", "notify_fifo_script", "vrrp_notify_fifo_script");
    /** A script file larger than this is not read. */
    static final long MAX_SCRIPT_BYTES = 1 << 20;

    private final List<Use> uses;
    private final List<String> unknown;
    private final List<CloudCall> cloudCalls;
    private final List<ConfigError> readErrors;

    private MigrationReport(List<Use> uses, List<String> unknown, List<CloudCall> cloudCalls, List<ConfigError> readErrors) {
        this.uses = uses;
        this.unknown = unknown;
        this.cloudCalls = cloudCalls;
        this.readErrors = readErrors;
    }

    /** Reads {@code file} and what it includes; never throws for what the file says. */
    public static MigrationReport of(Path file) {
        return of(file, ParseOptions.defaults());
    }

    /** The same, with the parser's options (the config id that {@code @ID} lines are matched against). */
    public static MigrationReport of(Path file, ParseOptions options) {
        List<ConfigError> errors = new ArrayList<>();
        Sources[] holder = new Sources[1];
        Sources sources = new Sources(file.toString(), options.configId(), (position, message) ->
                errors.add(new ConfigError(holder[0].file(position), Sources.line(position), message)));
        holder[0] = sources;
        List<Syntax.Statement> top;
        try {
            top = Syntax.read(sources.expand(file), (position, message) ->
                    errors.add(new ConfigError(sources.file(position), Sources.line(position), message)));
        } catch (RuntimeException e) {
            errors.add(new ConfigError(file.toString(), 0, "cannot read it: " + e.getMessage()));
            top = List.of();
        }
        var walk = new Walk(sources, file.toAbsolutePath().getParent());
        walk.block(top, Block.TOP);
        return new MigrationReport(List.copyOf(walk.uses.values()), walk.unknown, walk.calls, errors);
    }

    /** Every keepalived keyword the file uses, in the order first seen. */
    public List<Use> uses() {
        return uses;
    }

    /** Keywords that are neither keepalived's nor floatd's, as {@code file:line: block keyword}. */
    public List<String> unknown() {
        return unknown;
    }

    public List<CloudCall> cloudCalls() {
        return cloudCalls;
    }

    /** What kept parts of the file from being read (a missing include, an unclosed brace). */
    public List<ConfigError> readErrors() {
        return readErrors;
    }

    /** The report as {@code floatd check --explain} prints it. */
    public String text() {
        var out = new StringBuilder();
        long refused = uses.stream().filter(u -> u.keyword().treatment() == Treatment.REFUSED).count();
        long warned = uses.stream().filter(u -> u.keyword().treatment() == Treatment.WARNED).count();
        out.append("keepalived keywords used: ").append(uses.size()).append(" (").append(uses.size() - refused - warned)
                .append(" implemented, ").append(warned).append(" ignored with a warning, ").append(refused)
                .append(" refused)\n");
        for (Treatment t : List.of(Treatment.REFUSED, Treatment.WARNED, Treatment.IMPLEMENTED)) {
            for (Use u : uses) {
                Keyword k = u.keyword();
                if (k.treatment() != t || (t == Treatment.IMPLEMENTED && k.note().isEmpty())) {
                    continue;
                }
                out.append(u.file()).append(':').append(u.line()).append(": ").append(k.block().where()).append(' ')
                        .append(k.name()).append(u.count() > 1 ? " (" + u.count() + " times)" : "").append(": ")
                        .append(switch (t) {
                            case REFUSED -> "refused: ";
                            case WARNED -> "ignored with a warning: ";
                            case IMPLEMENTED -> "differs: ";
                        }).append(k.note()).append('\n');
            }
        }
        unknown.forEach(u -> out.append(u).append(": not a keepalived 2.2.7 keyword\n"));
        for (CloudCall c : cloudCalls) {
            out.append(c.file()).append(':').append(c.line()).append(": ").append(c.keyword()).append(" '")
                    .append(c.script()).append("' calls ").append(c.found()).append(": ")
                    .append(c.replacement().equals(NONE) ? c.replacement()
                            : "replace it with " + c.replacement() + " in the vrrp_instance, and drop the script")
                    .append('\n');
        }
        readErrors.forEach(e -> out.append(e).append(" (the rest of the report may be incomplete)\n"));
        return out.toString();
    }

    /** Walks the statements block by block, as the parser's tables would see them. */
    private static final class Walk {
        private final Sources sources;
        private final Path dir;
        private final Map<String, Use> uses = new LinkedHashMap<>();
        private final List<String> unknown = new ArrayList<>();
        private final List<CloudCall> calls = new ArrayList<>();

        Walk(Sources sources, Path dir) {
            this.sources = sources;
            this.dir = dir;
        }

        void block(List<Syntax.Statement> body, Block block) {
            for (Syntax.Statement s : body) {
                String name = s.keyword();
                if (name.startsWith("@") || name.startsWith("$") || name.startsWith("~")) {
                    continue; // the preprocessor's, not a keyword
                }
                Optional<Keyword> k = KeepalivedKeywords.find(block, name);
                if (k.isPresent()) {
                    String key = block + " " + name;
                    Use earlier = uses.get(key);
                    uses.put(key, earlier == null
                            ? new Use(k.get(), sources.file(s.line()), Sources.line(s.line()), 1)
                            : new Use(earlier.keyword(), earlier.file(), earlier.line(), earlier.count() + 1));
                } else if (!ConfigParser.handled(block).contains(name) && Block.of(block.where()).isPresent()
                        && block != Block.GARP_GROUP) {
                    unknown.add(sources.where(s.line()) + ": " + block.where() + " " + name);
                }
                if (SCRIPT_KEYWORDS.contains(name) && !s.args().isEmpty()) {
                    script(s);
                }
                if (s.block() != null) {
                    child(block, name).ifPresent(b -> block(s.block(), b));
                }
            }
        }

        private static Optional<Block> child(Block parent, String name) {
            return switch (parent) {
                case TOP -> switch (name) {
                    case "global_defs" -> Optional.of(Block.GLOBAL_DEFS);
                    case "vrrp_instance" -> Optional.of(Block.VRRP_INSTANCE);
                    case "vrrp_script" -> Optional.of(Block.VRRP_SCRIPT);
                    case "track_file", "vrrp_track_file" -> Optional.of(Block.TRACK_FILE);
                    case "vrrp_track_process" -> Optional.of(Block.VRRP_TRACK_PROCESS);
                    case "vrrp_sync_group" -> Optional.of(Block.VRRP_SYNC_GROUP);
                    case "garp_group" -> Optional.of(Block.GARP_GROUP);
                    default -> Optional.empty();
                };
                case VRRP_INSTANCE -> name.equals("authentication") ? Optional.of(Block.AUTHENTICATION) : Optional.empty();
                default -> Optional.empty();
            };
        }

        /** The command line itself, then the file it starts with when that is readable. */
        private void script(Syntax.Statement s) {
            String line = String.join(" ", s.args());
            String where = sources.file(s.line());
            int lineNo = Sources.line(s.line());
            if (find(line, where, lineNo, s.keyword(), line)) {
                return;
            }
            String first = line.strip().split("\\s+", 2)[0];
            Path path;
            try {
                path = Path.of(first);
            } catch (RuntimeException e) {
                return;
            }
            if (!path.isAbsolute()) {
                path = dir == null ? path : dir.resolve(path);
            }
            try {
                if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path)) {
                    return;
                }
                if (Files.size(path) > MAX_SCRIPT_BYTES) {
                    return;
                }
                String text;
                try (InputStream in = Files.newInputStream(path)) {
                    text = new String(in.readNBytes((int) MAX_SCRIPT_BYTES), StandardCharsets.UTF_8);
                }
                // a command continued with a backslash is one line
                for (String scriptLine : text.replace("\\\n", " ").split("\n")) {
                    String code = scriptLine.strip();
                    if (!code.startsWith("#") && find(code, where, lineNo, s.keyword(), line)) {
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unreadable: nothing to point out
            }
        }

        private boolean find(String text, String file, int line, String keyword, String script) {
            String lower = text.toLowerCase(Locale.ROOT);
            for (Api api : APIS) {
                if (api.pattern().matcher(lower).find()) {
                    calls.add(new CloudCall(file, line, keyword, script, api.what(), api.replacement()));
                    return true;
                }
            }
            return false;
        }
    }
}
