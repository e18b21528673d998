package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testing.Lan;
import io.floatd.testing.Netns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code terraform-test/drill.sh} against a local stand-in for an applied stack: two namespaces each serving a page
 * that names the node ({@code python3 -m http.server}), behind a VIP that floatd (linux-l2, VRRPv3, advert_int 0.1,
 * a track script on the page) moves; the drill runs with curl in a third namespace, as the operator would. The
 * break and restore commands go through a control script, as they would go through SSH to a cloud node: kill -9 of
 * floatd, a graceful stop of floatd, and the page server stopped so that the track script fails.
 */
@Timeout(300)
class DrillTest {
    private static final String VIP = Lan.SUBNET_PREFIX + "100";
    private static final Path DRILL = repoRoot().resolve("terraform-test/drill.sh");
    private static final int RUNS = 2;

    @TempDir
    Path tmp;

    @Test
    void drillReportsAFailoverAndAMedianForEachScenario() throws Exception {
        Netns.requireRoot();
        try (Lan lan = Lan.create("dr", 3)) {
            Path ctl = controlScript(lan, List.of(config(0, "", "", ""), config(1, "", "", "")));
            try {
                for (int i = 0; i < 2; i++) {
                    sh(ctl + " node-" + i + " web-start", 30);
                }
                sh(ctl + " node-0 start MASTER", 60);
                sh(ctl + " node-1 start BACKUP", 60);

                List<String> cmd = new ArrayList<>(lan.host(2).inside("bash", DRILL.toString(),
                        "-u", "http://" + VIP + "/", "-n", String.valueOf(RUNS), "-p", "0.1", "-t", "20", "-w", "1.5"));
                for (String[] s : new String[][] {
                        {"kill9", "kill9", "start BACKUP"},
                        {"stop", "stop", "start BACKUP"},
                        {"web", "web-stop", "web-start"}}) {
                    cmd.add("-s");
                    cmd.add(s[0] + "|" + ctl + " \"$NODE\" " + s[1] + "|" + ctl + " \"$NODE\" " + s[2]);
                }
                String out = run(cmd, 240);
                System.out.println("DrillTest: drill.sh output\n" + out + logs());

                for (String scenario : List.of("kill9", "stop", "web")) {
                    for (int run = 1; run <= RUNS; run++) {
                        Matcher m = Pattern.compile("(?m)^RESULT " + scenario + " " + run + " ([0-9.]+)$").matcher(out);
                        assertTrue(m.find(), scenario + " run " + run + ": no failover reported\n" + out + logs());
                        double s = Double.parseDouble(m.group(1));
                        // advert_int 0.1: Master_Down_Interval 0.361 s (priority 100) / 0.341 s (150); the rest is
                        // the track script (interval 0.2), GARP, one poll and a busy 2-core machine
                        assertTrue(s > 0 && s < 5, scenario + " run " + run + ": failover after " + s + " s\n" + out);
                    }
                    Matcher med = Pattern.compile("(?m)^MEDIAN " + scenario + " ([0-9.]+)$").matcher(out);
                    assertTrue(med.find(), scenario + ": no median\n" + out);
                    Matcher row = Pattern.compile("(?m)^" + scenario + " +" + RUNS + " +" + RUNS + " +" + Pattern.quote(med.group(1)) + " ")
                            .matcher(out);
                    assertTrue(row.find(), scenario + ": summary row missing or not " + RUNS + "/" + RUNS + " ok\n" + out);
                }
                assertTrue(out.contains("page names node-"), out);
            } finally {
                sh(ctl + " all kill9", 30);
            }
        }
    }

    private static final String[] TABLES = {"rtb-0a1a1a1a1a1a1a1a1", "rtb-0b2b2b2b2b2b2b2b2"};
    private static final String[] ENI = {"eni-0aaaaaaaaaaaaaaa0", "eni-0bbbbbbbbbbbbbbb1"};

    /**
     * The route check of the cross-AZ stack's drill ({@code -R/-T/-E}): before each break both route tables target
     * the Master's interface, after the failover both the new Master's, read with the real AWS CLI from the
     * operator's namespace; and a table left behind is reported. The tables are a {@link RouteTablesStandIn} whose
     * routes each node's {@code notify_master} rewrites (floatd's own {@code mode route_table} is on branch h/rt).
     */
    @Test
    void drillChecksThatBothRouteTablesFollowTheMaster() throws Exception {
        Netns.requireRoot();
        String awsCli = run(List.of("bash", "-c", "command -v aws || echo none"), 30).trim();
        assertTrue(awsCli.startsWith("/"), "the AWS CLI is needed (bin/test installs Debian's awscli)");
        Path tables = Files.createDirectories(tmp.resolve("route-tables"));
        for (String t : TABLES) {
            Files.writeString(tables.resolve(t), ENI[0] + "\n"); // as Terraform creates them: at node lb-a's interface
        }
        // route-to.sh ENI [--if-held]: what a keepalived user's "aws ec2 replace-route" does, in every table that is
        // not frozen (TABLE.frozen: the table this node fails to update); run by notify_master, and every 0.3 s while
        // the node holds the VIP, as mode route_table re-checks (a node that was Master for a moment during a split
        // at its restart must not leave the tables pointing at it)
        Path routeTo = tmp.resolve("route-to.sh");
        Files.writeString(routeTo, """
                #!/bin/bash
                if [ "${2:-}" = --if-held ]; then /usr/sbin/ip -4 -o addr show dev eth0 | grep -q " %s/" || exit 0; fi
                for t in %s; do
                  f=%s/$t
                  [ -e "$f.frozen" ] || [ "$(cat "$f")" = "$1" ] || { echo "$1" > "$f.new.$$" && mv "$f.new.$$" "$f"; }
                done
                exit 0
                """.formatted(VIP, String.join(" ", TABLES), tables));
        Files.setPosixFilePermissions(routeTo, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Lan lan = Lan.create("tf", 3);
                RouteTablesStandIn ec2 = RouteTablesStandIn.inside(lan.host(2), Lan.address(2), tables)) {
            List<String> configs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                configs.add(config(i, "vrrp_script route_recheck {\n    script \"" + routeTo + " " + ENI[i] + " --if-held\"\n"
                        + "    interval 0.3\n    timeout 2\n}", "route_recheck", "notify_master \"" + routeTo + " " + ENI[i] + "\""));
            }
            Path ctl = controlScript(lan, configs);
            try {
                for (int i = 0; i < 2; i++) {
                    sh(ctl + " node-" + i + " web-start", 30);
                }
                sh(ctl + " node-0 start MASTER", 60);
                sh(ctl + " node-1 start BACKUP", 60);
                String aws = "env AWS_ACCESS_KEY_ID=AKIAFLOATDTESTKEY000 AWS_SECRET_ACCESS_KEY=FLOATD-FAKE-SECRET"
                        + " AWS_CONFIG_FILE=/nonexistent/floatd-test AWS_SHARED_CREDENTIALS_FILE=/nonexistent/floatd-test"
                        + " AWS_EC2_METADATA_DISABLED=true aws --endpoint-url " + ec2.uri() + " --region eu-west-1";
                List<String> routeArgs = List.of("-R", RouteTablesStandIn.DEST, "-T", String.join(",", TABLES),
                        "-E", "node-0=" + ENI[0] + ",node-1=" + ENI[1], "-a", aws);

                String out = drill(lan, ctl, RUNS, 20, routeArgs, "kill9", "stop");
                for (String scenario : List.of("kill9", "stop")) {
                    for (int run = 1; run <= RUNS; run++) {
                        double failover = seconds(out, "RESULT " + scenario + " " + run + " ([0-9.]+)");
                        double routes = seconds(out, "ROUTES " + scenario + " " + run + " ok ([0-9.]+)");
                        // read after the page named the new Master: never before it, within the drill's timeout
                        assertTrue(routes >= failover && routes < 20, scenario + " run " + run + ": routes after " + routes
                                + " s, failover after " + failover + " s\n" + out);
                    }
                    assertTrue(out.contains("ROUTES_OK " + scenario + " " + RUNS + "/" + RUNS), out);
                }
                Matcher before = Pattern.compile("(?m)^   routes before: " + TABLES[0] + "=(node-[01]) " + TABLES[1] + "=\\1$")
                        .matcher(out);
                assertTrue(before.find(), "no 'routes before' line naming one node for both tables\n" + out);

                // table B stops following: the next failover moves only table A, and the drill says so
                Files.writeString(tables.resolve(TABLES[1] + ".frozen"), "");
                String stuck = drill(lan, ctl, 1, 6, routeArgs, "kill9");
                Matcher wrong = Pattern.compile("(?m)^ROUTES kill9 1 wrong after " + TABLES[0] + "=(node-[01])," + TABLES[1]
                        + "=(node-[01]) \\(expected every table at (node-[01]) ").matcher(stuck);
                assertTrue(wrong.find(), "a table left behind is not reported\n" + stuck + logs());
                assertEquals(wrong.group(1), wrong.group(3), stuck);
                assertTrue(!wrong.group(2).equals(wrong.group(3)), stuck);
                assertTrue(stuck.contains("ROUTES_OK kill9 0/1"), stuck);
                assertTrue(ec2.reads.get() >= 2 * 2 * RUNS + 2, "the drill read the tables " + ec2.reads + " times");
            } finally {
                sh(ctl + " all kill9", 30);
            }
        }
    }

    /** drill.sh from host 2 against the VIP: {@code runs} runs of each scenario (ctl.sh kill9/stop, restored as BACKUP). */
    private String drill(Lan lan, Path ctl, int runs, int timeout, List<String> extraArgs, String... scenarios) throws Exception {
        List<String> cmd = new ArrayList<>(lan.host(2).inside("bash", DRILL.toString(), "-u", "http://" + VIP + "/",
                "-n", String.valueOf(runs), "-p", "0.1", "-t", String.valueOf(timeout), "-w", "1.5"));
        cmd.addAll(extraArgs);
        for (String s : scenarios) {
            cmd.add("-s");
            cmd.add(s + "|" + ctl + " \"$NODE\" " + s + "|" + ctl + " \"$NODE\" start BACKUP");
        }
        String out = run(cmd, 240);
        System.out.println("DrillTest: drill.sh output\n" + out);
        return out;
    }

    private double seconds(String out, String regex) {
        Matcher m = Pattern.compile("(?m)^" + regex + "$").matcher(out);
        assertTrue(m.find(), "no line " + regex + "\n" + out + logs());
        return Double.parseDouble(m.group(1));
    }

    /** {@code ctl.sh NODE ACTION}: what SSH would do on a cloud node, for node-0 and node-1 (floatd.conf: {@code configs}). */
    private Path controlScript(Lan lan, List<String> configs) throws Exception {
        String python = run(List.of("python3", "-c", "import sys; print(sys.executable)"), 30).trim();
        for (int i = 0; i < 2; i++) {
            Path www = Files.createDirectories(tmp.resolve("node-" + i + "/www"));
            Files.writeString(www.resolve("index.html"), "node: node-" + i + "\n");
            Files.writeString(tmp.resolve("node-" + i + "/floatd.conf"), configs.get(i));
        }
        String floatd = FloatdProcess.command("run", "-f", "\"$dir/floatd.conf\"", "--control-socket", "\"$dir/control.sock\"").stream()
                .map(a -> a.startsWith("\"") ? a : "'" + a + "'").collect(Collectors.joining(" "));
        String script = """
                #!/bin/bash
                # ctl.sh NODE ACTION: start [STATE] | stop | kill9 | web-start | web-stop, for node-0 / node-1 / all
                set -u
                node=$1 action=$2 want=${3:-BACKUP}
                if [ "$node" = all ]; then for n in node-0 node-1; do "$0" "$n" "$action"; done; exit 0; fi
                case $node in node-0) ns=%s ;; node-1) ns=%s ;; *) echo "unknown node $node" >&2; exit 2 ;; esac
                dir=%s/$node
                pidof() { [ -f "$dir/$1.pid" ] && cat "$dir/$1.pid"; }
                case $action in
                  start)
                    : > "$dir/floatd.log"
                    ip netns exec "$ns" env -u JOURNAL_STREAM %s >> "$dir/floatd.log" 2>&1 &
                    echo $! > "$dir/floatd.pid"
                    for i in $(seq 1 400); do grep -q "Entering $want STATE" "$dir/floatd.log" && exit 0; sleep 0.05; done
                    echo "floatd on $node did not reach $want" >&2; cat "$dir/floatd.log" >&2; exit 1 ;;
                  stop)
                    p=$(pidof floatd) || exit 0; kill -TERM "$p"
                    for i in $(seq 1 200); do kill -0 "$p" 2>/dev/null || exit 0; sleep 0.05; done; kill -9 "$p" ;;
                  kill9)
                    p=$(pidof floatd) && kill -9 "$p" 2>/dev/null; exit 0 ;;
                  web-start)
                    ip netns exec "$ns" %s -m http.server 80 --bind 0.0.0.0 --directory "$dir/www" > "$dir/web.log" 2>&1 &
                    echo $! > "$dir/web.pid"
                    for i in $(seq 1 200); do
                      ip netns exec "$ns" curl -fsS -m 0.5 -o /dev/null http://127.0.0.1/ 2>/dev/null && exit 0; sleep 0.05
                    done
                    echo "page server on $node did not start" >&2; exit 1 ;;
                  web-stop)
                    p=$(pidof web) && kill -9 "$p" 2>/dev/null; exit 0 ;;
                  *) echo "unknown action $action" >&2; exit 2 ;;
                esac
                """.formatted(lan.host(0).name(), lan.host(1).name(), tmp, floatd, python);
        Path ctl = tmp.resolve("ctl.sh");
        Files.writeString(ctl, script);
        Files.setPosixFilePermissions(ctl, PosixFilePermissions.fromString("rwxr-xr-x"));
        return ctl;
    }

    /**
     * node-{@code node}'s floatd.conf: {@code top} before the instance, {@code tracked} more track_script names,
     * {@code extra} more instance lines.
     */
    private static String config(int node, String top, String tracked, String extra) {
        return """
                global_defs {
                    router_id node-%d
                }
                %s
                vrrp_script chk_web {
                    script "/usr/bin/curl -fsS -m 0.5 -o /dev/null http://127.0.0.1/"
                    interval 0.2
                    timeout 1
                    fall 2
                    rise 1
                }
                vrrp_instance VI_WEB {
                    state BACKUP
                    nopreempt
                    interface eth0
                    virtual_router_id 61
                    priority %d
                    version 3
                    advert_int 0.1
                    unicast_src_ip %s
                    unicast_peer {
                        %s
                    }
                    track_script {
                        chk_web
                        %s
                    }
                    virtual_ipaddress {
                        %s/24 dev eth0
                    }
                    %s
                }
                """.formatted(node, top, node == 0 ? 150 : 100, Lan.address(node), Lan.address(1 - node), tracked, VIP, extra);
    }

    private String logs() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            try {
                b.append("\n--- node-").append(i).append(" floatd.log\n")
                        .append(Files.readString(tmp.resolve("node-" + i + "/floatd.log")));
            } catch (Exception e) {
                b.append(" (none)");
            }
        }
        return b.toString();
    }

    private static void sh(String command, int timeoutSeconds) throws Exception {
        run(List.of("bash", "-c", command), timeoutSeconds);
    }

    private static String run(List<String> cmd, int timeoutSeconds) throws Exception {
        Path out = Files.createTempFile("drill", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not finish within " + timeoutSeconds + " s:\n" + Files.readString(out));
            }
            String text = Files.readString(out);
            assertEquals(0, p.exitValue(), cmd + " failed:\n" + text);
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("terraform-test"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no terraform-test/ above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
