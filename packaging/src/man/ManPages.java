import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.floatd.cli.FloatdCommand;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.KeepalivedKeywords;
import io.floatd.vrrp.config.KeepalivedKeywords.Block;
import io.floatd.vrrp.config.KeepalivedKeywords.Keyword;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes floatd(8) and floatd.conf(5) at build time from what the program itself uses, so the pages cannot drift
 * from it: the commands, options and exit codes from picocli's model of {@code floatd} (FloatdCommand), the
 * signals from the cli's signal table (SignalPlan), and every configuration keyword from the parser's own tables
 * (KeepalivedKeywords and the handlers of ConfigParser). A keyword the parser handles that is described nowhere
 * fails the build.
 *
 * <p>Run by the packaging module with the build's JDK in source-file mode, the floatd jars on the class path:
 * {@code java -cp floatd-cli.jar ManPages.java OUTDIR TIMESTAMP VERSION EXAMPLE}.
 */
public final class ManPages {
    /**
     * floatd's own keywords (not keepalived's): what they do. The parser's tables are the list; this is only
     * their text, and a handled keyword missing from both this map and the catalogue stops the build.
     */
    private static final Map<String, String> FLOATD_KEYWORDS = Map.ofEntries(
            Map.entry("global_defs state_file", "PATH (absolute): one line per instance, \"VI_1 MASTER 150 SINCE\", written"
                    + " atomically at start, on every transition and on handover/resume. Under the packaged unit, use a"
                    + " path under /run/floatd."),
            Map.entry("global_defs script_env", "NAME=VALUE ...: environment variables given to every notify and"
                    + " vrrp_script script (README \"Script environment\")."),
            Map.entry("vrrp_instance state_file", "PATH (absolute): the instance's state word on the first line, like the"
                    + " file keepalived notify scripts write."),
            Map.entry("vrrp_instance script_env", "NAME=VALUE ...: environment variables for this instance's scripts."),
            Map.entry("vrrp_instance floating_ip", "a block: the address this instance moves when it becomes Master"
                    + " and the provider that moves it (provider linux-l2, aws, digitalocean or hetzner, then the"
                    + " provider's settings, one per line: a Linux VIP, an AWS Elastic IP or secondary private IP, a"
                    + " DigitalOcean reserved IP, a Hetzner Cloud floating IP); one block per address and provider. Without a block, the instance's"
                    + " virtual_ipaddress on its interface (linux-l2). The providers' settings are in README.md."),
            Map.entry("vrrp_instance transport", "a block with one line, udp [port N] [auth_key_file PATH]: adverts"
                    + " over UDP instead of IP protocol 112, for networks that drop protocol 112 (clouds); auth_key_file"
                    + " is a root-only file holding the pair's shared key."),
            Map.entry("vrrp_script script_env", "NAME=VALUE ...: environment variables for this script."));

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Instant when = Instant.parse(args[1]);
        String version = args[2];
        String example = Files.readString(Path.of(args[3]));
        Files.createDirectories(out);
        String date = DateTimeFormatter.ISO_LOCAL_DATE.format(when.atOffset(ZoneOffset.UTC));
        Files.writeString(out.resolve("floatd.8"), floatd8(date, version));
        Files.writeString(out.resolve("floatd.conf.5"), floatdConf5(date, version, example));
    }

    // ---- floatd(8) ----

    static String floatd8(String date, String version) throws Exception {
        CommandLine cl = FloatdCommand.commandLine();
        CommandSpec top = cl.getCommandSpec();
        Roff r = new Roff();
        r.th("FLOATD", 8, date, version, "System Administration");
        r.sh("NAME").text("floatd \\- VRRP failover daemon for Linux VIPs and cloud floating IPs");
        r.sh("SYNOPSIS");
        r.raw(".B floatd\n.I command\n.RI [ options ]\n.br\n.B floatd\n.RI [ keepalived-options ]");
        r.sh("DESCRIPTION");
        for (String line : top.usageMessage().description()) {
            r.para(line);
        }
        r.para("floatd runs the VRRP election keepalived runs between unicast peers (VRRPv2, RFC 3768, and VRRPv3,"
                + " RFC 5798), reads keepalived.conf syntax (floatd.conf(5)), and when it becomes Master moves the"
                + " address itself: a Linux VIP with gratuitous ARP, an AWS Elastic IP or VPC secondary private IP,"
                + " a DigitalOcean reserved IP or a Hetzner Cloud floating IP.");
        r.para("The packaged unit runs floatd check and then floatd run -f /etc/floatd/floatd.conf; floatd speaks"
                + " sd_notify(3) (READY, RELOADING, STATUS, WATCHDOG, STOPPING) and, when its standard error is the"
                + " journal, prefixes each line with its syslog priority. On a host without systemd, run --syslog"
                + " logs to the syslog daemon instead.");

        r.sh("COMMANDS");
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            CommandSpec sub = e.getValue().getCommandSpec();
            if (sub.usageMessage().hidden()) {
                continue;
            }
            StringBuilder synopsis = new StringBuilder("floatd " + e.getKey());
            for (PositionalParamSpec p : sub.positionalParameters()) {
                if (!p.hidden()) {
                    synopsis.append(' ').append(p.arity().min() == 0 ? "[" + p.paramLabel() + "]" : p.paramLabel());
                }
            }
            r.ss(synopsis.toString());
            for (String line : sub.usageMessage().description()) {
                r.para(line);
            }
            options(r, sub);
            exitCodes(r, sub, false);
        }

        r.sh("OPTIONS");
        r.para("Without a command, floatd takes keepalived 2.2.7's daemon options, so a unit or script written for"
                + " keepalived runs floatd unchanged (floatd -n -D -f FILE is floatd run -f FILE).");
        options(r, top);

        r.sh("SIGNALS");
        r.para("keepalived's signals do what they do in keepalived; every other signal either stops floatd cleanly"
                + " (priority-0 advert, addresses removed) or is ignored with a log line, so none leaves an address on"
                + " a node whose adverts stopped. Numbers are Linux's; the launcher gives the JVM SIGRTMIN+10 for its"
                + " own use (_JAVA_SR_SIGNUM=44), so SIGUSR2 is floatd's.");
        signals(r);

        r.sh("EXIT STATUS");
        exitCodes(r, top, true);

        r.sh("ENVIRONMENT");
        r.tp("FLOATD_HOME", "the directory of floatd-cli.jar, lib/ and runtime/ (default: /usr/lib/floatd).");
        r.tp("FLOATD_JAVA_HOME", "a Java 25 runtime to use instead of the bundled one.");
        r.tp("FLOATD_JAVA_OPTS", "options added to the JVM's command line.");
        r.tp("FLOATD_OPTS", "in /etc/default/floatd: options the packaged unit adds to floatd run.");
        r.tp("JOURNAL_STREAM", "set by systemd: when it names standard error, each line carries its syslog priority.");
        r.tp("NOTIFY_SOCKET", "set by systemd for Type=notify: where floatd sends READY=1, STATUS= and WATCHDOG=1.");

        r.sh("FILES");
        r.tp("/etc/floatd/floatd.conf", "the configuration (floatd.conf(5)); root only, mode 0600.");
        r.tp("/etc/floatd/floatd.conf.example", "a commented linux-l2 example.");
        r.tp("/etc/default/floatd", "FLOATD_OPTS and FLOATD_JAVA_OPTS for the packaged unit (optional).");
        r.tp("/run/floatd/", "root's 0700 directory: control.sock (floatd handover and resume), floatd.data,"
                + " floatd.stats and floatd.json (the signal dumps); put state_file and notify_fifo here.");
        r.tp("/lib/systemd/system/floatd.service", "the unit.");
        r.tp("/usr/lib/floatd/", "floatd-cli.jar, lib/*.jar, runtime/ (the bundled Java 25 runtime) and floatd.jsa"
                + " (the AppCDS archive of floatd run).");
        r.tp("/usr/share/doc/floatd/README.md", "the full documentation.");

        r.sh("SEE ALSO");
        r.text("floatd.conf(5), keepalived(8), keepalived.conf(5), systemd.service(5), sd_notify(3),"
                + " /usr/share/doc/floatd/README.md, /usr/share/doc/floatd/floatd-help.txt");
        return r.toString();
    }

    private static void options(Roff r, CommandSpec spec) {
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            String names = String.join(", ", o.names());
            String label = o.typeInfo().isBoolean() || o.arity().max() == 0 ? "" : " " + o.paramLabel();
            // the descriptions say their defaults themselves, as --help shows them
            r.tp(names + label, picocliText(String.join(" ", o.description())));
        }
    }

    private static void exitCodes(Roff r, CommandSpec spec, boolean orTop) {
        Map<String, String> codes = spec.usageMessage().exitCodeList();
        if (codes.isEmpty()) {
            return;
        }
        if (!orTop) {
            r.para("Exit status:");
        }
        codes.forEach((code, what) -> r.tp(code.strip(), picocliText(what)));
    }

    /** picocli's text: {@code %n} line breaks and {@code %%} as in String.format. */
    private static String picocliText(String s) {
        return s.replace("%n", " ").replace("%%", "%").replaceAll(" +", " ").strip();
    }

    /** The cli's table of signals (SignalPlan.linux, package-private there: read by reflection). */
    private static void signals(Roff r) throws ReflectiveOperationException {
        Class<?> plan = Class.forName("io.floatd.cli.SignalPlan");
        Method linux = plan.getDeclaredMethod("linux", int.class);
        linux.setAccessible(true);
        java.lang.reflect.Field jvmField = plan.getDeclaredField("JVM_SR_SIGNAL");
        jvmField.setAccessible(true);
        int jvmSignal = jvmField.getInt(null);
        // one entry per action and reason, in the order of the first signal of each
        Map<List<String>, List<String>> groups = new LinkedHashMap<>();
        for (Object entry : (List<?>) linux.invoke(null, jvmSignal)) {
            String n = (String) call(entry, "signalName") + " (" + call(entry, "number") + ")";
            groups.computeIfAbsent(List.of(call(entry, "action").toString(), (String) call(entry, "why")),
                    k -> new ArrayList<>()).add(n);
        }
        Map<String, String> what = Map.of(
                "STOP", "stop cleanly: a priority-0 advert, the addresses removed, exit 0",
                "RELOAD", "reload the configuration; one with errors changes nothing (the log names file:line)",
                "DATA", "write the data dump to /run/floatd/floatd.data (run --dump-dir) and the log",
                "STATS", "write the statistics to /run/floatd/floatd.stats and the log",
                "JSON", "write GET /status's JSON to /run/floatd/floatd.json",
                "IGNORE", "ignored, with one log line, at most one a second per signal",
                "JVM", "left to the JVM",
                "DEFAULT", "the kernel's default");
        groups.forEach((key, signals) -> {
            String text = what.get(key.get(0));
            if (text == null) {
                throw new IllegalStateException("no text for signal action " + key.get(0));
            }
            r.tp(String.join(", ", signals), text + "; " + key.get(1) + ".");
        });
    }

    private static Object call(Object record, String accessor) throws ReflectiveOperationException {
        Method m = record.getClass().getDeclaredMethod(accessor);
        m.setAccessible(true);
        return m.invoke(record);
    }

    // ---- floatd.conf(5) ----

    static String floatdConf5(String date, String version, String example) throws Exception {
        Method handledMethod = ConfigParser.class.getDeclaredMethod("handled", Block.class);
        handledMethod.setAccessible(true);
        Map<KeepalivedKeywords.Treatment, Long> counts = KeepalivedKeywords.counts();
        Roff r = new Roff();
        r.th("FLOATD.CONF", 5, date, version, "File Formats");
        r.sh("NAME").text("floatd.conf \\- configuration file of floatd, in keepalived.conf syntax");
        r.sh("SYNOPSIS").text("/etc/floatd/floatd.conf");
        r.sh("DESCRIPTION");
        r.para("floatd reads keepalived.conf syntax: blocks in braces, one keyword per line with its values, comments"
                + " after # or !, include FILE (glob). The meaning of each of keepalived's keywords is the one"
                + " keepalived.conf(5) gives; this page lists every keyword floatd knows, block by block, with what"
                + " floatd does with it:");
        r.tp("implemented", "the keyword does what it does in keepalived; a note says where floatd differs.");
        r.tp("warned", "accepted, with one warning naming why it cannot change who holds the address.");
        r.tp("refused", "an error at its file:line: ignoring it could change who holds the address.");
        r.tp("floatd", "floatd's own keyword (keepalived has none like it).");
        r.para("Every error names its file:line (and the instance); all errors are reported, not only the first."
                + " floatd check -f FILE checks a file without running it. keepalived 2.2.7's VRRP keywords: "
                + KeepalivedKeywords.all().size() + ", of which " + counts.get(KeepalivedKeywords.Treatment.IMPLEMENTED)
                + " implemented, " + counts.get(KeepalivedKeywords.Treatment.WARNED) + " warned and "
                + counts.get(KeepalivedKeywords.Treatment.REFUSED) + " refused.");

        r.sh("KEYWORDS");
        Set<String> undescribed = new TreeSet<>();
        for (Block block : Block.values()) {
            @SuppressWarnings("unchecked")
            Set<String> handled = new TreeSet<>((Set<String>) handledMethod.invoke(null, block));
            List<Keyword> keywords = KeepalivedKeywords.all().stream().filter(k -> k.block() == block).toList();
            if (keywords.isEmpty() && handled.isEmpty()) {
                continue;
            }
            r.ss(block.where());
            for (Keyword k : keywords) {
                String treatment = k.treatment().name().toLowerCase(java.util.Locale.ROOT);
                r.tp(k.name(), treatment + (k.note().isEmpty() ? "." : ": " + k.note() + "."));
                handled.remove(k.name());
            }
            for (String name : handled) {
                String text = FLOATD_KEYWORDS.get(block.where() + " " + name);
                if (text == null) {
                    undescribed.add(block.where() + " " + name);
                    continue;
                }
                r.tp(name, "floatd: " + text);
            }
        }
        if (!undescribed.isEmpty()) {
            throw new IllegalStateException("the parser handles keywords floatd.conf(5) does not describe (add them to"
                    + " ManPages.FLOATD_KEYWORDS): " + undescribed);
        }
        for (String key : FLOATD_KEYWORDS.keySet()) {
            String[] bw = key.split(" ");
            @SuppressWarnings("unchecked")
            Set<String> handled = (Set<String>) handledMethod.invoke(null, Block.of(bw[0]).orElseThrow());
            if (!handled.contains(bw[1])) {
                throw new IllegalStateException("ManPages.FLOATD_KEYWORDS describes " + key + ", which the parser does not handle");
            }
        }

        r.sh("EXAMPLE");
        r.para("/etc/floatd/floatd.conf.example, as installed:");
        r.example(example);

        r.sh("FILES");
        r.tp("/etc/floatd/floatd.conf", "read by the packaged unit; root only (0600): it may hold auth_pass.");
        r.sh("SEE ALSO");
        r.text("floatd(8), keepalived.conf(5), /usr/share/doc/floatd/README.md");
        return r.toString();
    }

    /** A man(7) page being written; every text goes through {@link #escape}. */
    static final class Roff {
        private final StringBuilder out = new StringBuilder();

        Roff th(String title, int section, String date, String version, String manual) {
            out.append(".\\\" Generated by packaging/src/man/ManPages.java from floatd's own tables; do not edit.\n");
            out.append(".TH ").append(quote(title)).append(' ').append(section).append(' ').append(quote(date))
                    .append(' ').append(quote("floatd " + version)).append(' ').append(quote(manual)).append('\n');
            // no hyphenation, ragged right: keywords and paths are never split
            out.append(".nh\n.ad l\n");
            return this;
        }

        Roff sh(String heading) {
            out.append(".SH ").append(quote(heading)).append('\n');
            return this;
        }

        Roff ss(String heading) {
            out.append(".SS ").append(quote(escape(heading))).append('\n');
            return this;
        }

        Roff text(String roff) {
            out.append(roff).append('\n');
            return this;
        }

        Roff raw(String roff) {
            return text(roff);
        }

        Roff para(String text) {
            out.append(".PP\n").append(line(escape(text))).append('\n');
            return this;
        }

        Roff tp(String tag, String text) {
            out.append(".TP\n.B ").append(quote(escape(tag))).append('\n').append(line(escape(text))).append('\n');
            return this;
        }

        Roff example(String text) {
            out.append(".PP\n.RS 4\n.EX\n");
            for (String l : text.split("\n", -1)) {
                out.append(line(escape(l))).append('\n');
            }
            out.append(".EE\n.RE\n");
            return this;
        }

        /** A text line that starts with a control character would be read as a request. */
        private static String line(String s) {
            return s.startsWith(".") || s.startsWith("'") ? "\\&" + s : s;
        }

        private static String quote(String s) {
            return "\"" + s.replace("\"", "\\(dq") + "\"";
        }

        static String escape(String s) {
            return s.replace("\\", "\\e").replace("-", "\\-");
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
