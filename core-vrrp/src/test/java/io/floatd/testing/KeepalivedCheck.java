package io.floatd.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real keepalived's configuration test ({@code keepalived -t -f FILE}, the installed 2.2.7) in a network namespace
 * that has the eth0 test configurations name (a veth whose peer is eth1), and the reading of what it prints.
 * keepalived -t exits {@link #CLEAN} for a clean file, {@link #CONFIG_PROBLEM} when it reported a configuration problem,
 * {@link #SCRIPT_SECURITY} when its only finding is a script security notice. It names the line of a finding as
 * {@code (FILE: Line N) message}.
 */
public final class KeepalivedCheck implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    public static final int CLEAN = 0;
    public static final int CONFIG_PROBLEM = 5;
    public static final int SCRIPT_SECURITY = 6;

    private static final Pattern LINE = Pattern.compile("^\\([^)]*: Line ([0-9]+)\\) ");

    private final String prefix;
    private final String eth0Address;
    private final boolean eth1Up;
    private Netns ns;

    private KeepalivedCheck(String prefix, String eth0Address, boolean eth1Up) {
        this.prefix = prefix;
        this.eth0Address = eth0Address;
        this.eth1Up = eth1Up;
    }

    /**
     * For a {@code @RegisterExtension static} field: the namespace (name from {@code prefix}, eth0 up at
     * {@code eth0Address} with its prefix length, eth1 down) is made before the class's tests and removed after them.
     */
    public static KeepalivedCheck perClass(String prefix, String eth0Address) {
        return new KeepalivedCheck(prefix, eth0Address, false);
    }

    /** The namespace made now, for try-with-resources; eth1 up too when {@code eth1Up} (for files that track it). */
    public static KeepalivedCheck create(String prefix, String eth0Address, boolean eth1Up) {
        KeepalivedCheck check = new KeepalivedCheck(prefix, eth0Address, eth1Up);
        check.open();
        return check;
    }

    private void open() {
        ns = Netns.create(prefix);
        try {
            ns.exec("ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth1");
            ns.exec("ip", "link", "set", "eth0", "up");
            if (eth1Up) {
                ns.exec("ip", "link", "set", "eth1", "up");
            }
            ns.exec("ip", "addr", "add", eth0Address, "dev", "eth0");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        open();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /**
     * Writes {@code text} to {@code file} and runs {@code keepalived -t OPTIONS -f file} on it (e.g. option -l, log to
     * the console), whatever its exit code.
     */
    public Netns.Result check(Path file, String text, String... options) throws IOException {
        Files.writeString(file, text);
        List<String> command = new ArrayList<>(List.of("keepalived", "-t"));
        command.addAll(List.of(options));
        command.addAll(List.of("-f", file.toString()));
        return ns.tryExec(command.toArray(String[]::new));
    }

    /** One non-empty line keepalived printed: the file line it names (0 when none) and the message after the name. */
    public record Message(int line, String text) {
        public boolean hasLine() {
            return line > 0;
        }
    }

    /** The non-empty lines of keepalived's output, stripped, with {@code (FILE: Line N) } taken off into the line number. */
    public static List<Message> messages(String output) {
        List<Message> messages = new ArrayList<>();
        for (String raw : output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            Matcher m = LINE.matcher(raw);
            messages.add(m.find() ? new Message(Integer.parseInt(m.group(1)), raw.substring(m.end())) : new Message(0, raw));
        }
        return messages;
    }

    @Override
    public void close() {
        if (ns != null) {
            ns.close();
            ns = null;
        }
    }
}
