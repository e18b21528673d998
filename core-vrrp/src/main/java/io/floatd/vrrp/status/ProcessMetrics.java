package io.floatd.vrrp.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The standard {@code process_*} families of the Prometheus client libraries, read from {@code /proc} as the Go
 * client's procfs collector reads them, so a floatd target looks like any other process in dashboards:
 *
 * <ul>
 *   <li>{@code process_cpu_seconds_total}: {@code utime + stime} of {@code /proc/self/stat} (fields 14 and 15), in
 *       clock ticks of {@link #USER_HZ};
 *   <li>{@code process_start_time_seconds}: {@code btime} of {@code /proc/stat} plus {@code starttime} (field 22)
 *       in ticks: the Unix time the process started;
 *   <li>{@code process_virtual_memory_bytes}: {@code vsize} (field 23); {@code process_resident_memory_bytes}:
 *       {@code VmRSS} of {@code /proc/self/status} (kB, as the Java client reads it: field 24 counts pages, whose size
 *       Java does not know);
 *   <li>{@code process_open_fds}: the entries of {@code /proc/self/fd}; {@code process_max_fds}: the soft
 *       {@code Max open files} of {@code /proc/self/limits}.
 * </ul>
 *
 * Every family is read on its own: one that cannot be read (no {@code /proc}: not Linux) is left out, as the
 * client libraries leave it out, and the others still render. Reading is a handful of small files: cheap enough
 * for each scrape, and nothing here touches the VRRP loop.
 */
public final class ProcessMetrics {
    /**
     * The tick {@code /proc/[pid]/stat} counts CPU and start times in: {@code sysconf(_SC_CLK_TCK)}, which is
     * {@code USER_HZ}, fixed at 100 by the Linux user-space ABI whatever the kernel's {@code CONFIG_HZ} (proc(5);
     * procfs's {@code userHZ} is the same constant).
     */
    public static final int USER_HZ = 100;

    private static final ProcessMetrics LINUX = new ProcessMetrics(Path.of("/proc"), Path.of("/proc/self"));

    private final Path proc;
    private final Path self;

    /**
     * @param proc where {@code stat} (with {@code btime}) is: {@code /proc}
     * @param self the process's directory: {@code /proc/self}
     */
    public ProcessMetrics(Path proc, Path self) {
        this.proc = proc;
        this.self = self;
    }

    /** This process, through {@code /proc/self}. */
    public static ProcessMetrics linux() {
        return LINUX;
    }

    /** The values read now, by family name, in exposition order; a family that could not be read is absent. */
    public Map<String, Double> read() {
        Map<String, Double> out = new LinkedHashMap<>();
        String[] stat = statFields();
        if (stat != null) {
            long utime = Long.parseLong(stat[14 - 3]);
            long stime = Long.parseLong(stat[15 - 3]);
            out.put("process_cpu_seconds_total", (utime + stime) / (double) USER_HZ);
            Long btime = bootTime();
            if (btime != null) {
                out.put("process_start_time_seconds", btime + Long.parseLong(stat[22 - 3]) / (double) USER_HZ);
            }
            out.put("process_virtual_memory_bytes", (double) Long.parseLong(stat[23 - 3]));
        }
        Long rssKb = statusKb("VmRSS:");
        if (rssKb != null) {
            out.put("process_resident_memory_bytes", rssKb * 1024.0);
        }
        try (Stream<Path> fds = Files.list(self.resolve("fd"))) {
            out.put("process_open_fds", (double) fds.count());
        } catch (IOException | RuntimeException e) {
            // left out
        }
        Long max = maxOpenFiles();
        if (max != null) {
            out.put("process_max_fds", (double) max);
        }
        return out;
    }

    /** The families in the Prometheus text format, each with HELP and TYPE as the client libraries word them. */
    public String render() {
        StringBuilder sb = new StringBuilder(1024);
        read().forEach((name, value) -> sb.append(PrometheusText.family(name, type(name), help(name), null, Map.of("", value))));
        return sb.toString();
    }

    private static String type(String name) {
        return name.endsWith("_total") ? "counter" : "gauge";
    }

    private static String help(String name) {
        return switch (name) {
            case "process_cpu_seconds_total" -> "Total user and system CPU time spent in seconds.";
            case "process_start_time_seconds" -> "Start time of the process since unix epoch in seconds.";
            case "process_virtual_memory_bytes" -> "Virtual memory size in bytes.";
            case "process_resident_memory_bytes" -> "Resident memory size in bytes.";
            case "process_open_fds" -> "Number of open file descriptors.";
            case "process_max_fds" -> "Maximum number of open file descriptors.";
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * The fields of {@code /proc/self/stat} from field 3 ({@code state}) on, so field {@code n} (proc(5)'s numbering)
     * is at {@code n - 3}. The command name (field 2) is in parentheses and may itself hold spaces and parentheses: the
     * fields start after the last {@code ')'}.
     */
    private String[] statFields() {
        try {
            String s = Files.readString(self.resolve("stat"));
            int close = s.lastIndexOf(')');
            if (close < 0) {
                return null;
            }
            String[] f = s.substring(close + 1).strip().split(" +");
            return f.length > 23 - 3 ? f : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private Long bootTime() {
        try (Stream<String> lines = Files.lines(proc.resolve("stat"))) {
            return lines.filter(l -> l.startsWith("btime ")).findFirst()
                    .map(l -> Long.parseLong(l.substring(6).strip())).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A {@code kB} line of {@code /proc/self/status} ({@code VmRSS:   2200 kB}). */
    private Long statusKb(String key) {
        try (Stream<String> lines = Files.lines(self.resolve("status"))) {
            return lines.filter(l -> l.startsWith(key)).findFirst()
                    .map(l -> Long.parseLong(l.substring(key.length()).strip().split("\\s+")[0])).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The soft limit of {@code Max open files} (the first number); null when unlimited or unreadable. */
    private Long maxOpenFiles() {
        try (Stream<String> lines = Files.lines(self.resolve("limits"))) {
            return lines.filter(l -> l.startsWith("Max open files")).findFirst()
                    .map(l -> l.substring("Max open files".length()).strip().split("\\s+")[0])
                    .filter(v -> !v.equals("unlimited")).map(Long::parseLong).orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
