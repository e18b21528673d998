package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.testkit.aws.Ec2TestEndpoint;
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
            Path ctl = controlScript(lan, List.of(config(0, "", "", "", ""), config(1, "", "", "", "")), "", "");
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

    /**
     * The route check of the cross-AZ stack's drill ({@code -R/-T/-E}): before each break both route tables target
     * the Master's interface, after the failover both the new Master's, read with the real AWS CLI from the
     * operator's namespace; and a table left behind is reported. The nodes are real floatd daemons configured as
     * {@code terraform-test/aws-cross-az/templates/floatd.conf.tftpl} renders them ({@code floating_ip { provider aws
     * mode route_table }} over both tables, a linux-l2 block putting the overlay IP and the page's VIP on the
     * Master's interface); the tables live in {@link Ec2TestEndpoint}, in the operator's namespace, which floatd
     * writes with the AWS SDK and the drill reads with {@code aws ec2 describe-route-tables}. The table left behind:
     * the endpoint fails every write to table B (HTTP 500 InternalError), so the next failover moves only table A.
     */
    @Test
    void drillChecksThatBothRouteTablesFollowTheMaster() throws Exception {
        Netns.requireRoot();
        String awsCli = run(List.of("bash", "-c", "command -v aws || echo none"), 30).trim();
        assertTrue(awsCli.startsWith("/"), "the AWS CLI is needed (bin/test installs Debian's awscli)");
        String[] tables = AwsRouteTableRig.TABLES;
        String dest = AwsRouteTableRig.DEST;
        try (AwsRig rig = AwsRouteTableRig.create("dr")) {
            for (String t : tables) {
                rig.ec2.route(t, dest, AwsRig.ENI[0]); // as Terraform creates them: at node lb-a's interface
            }
            List<String> configs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                configs.add(config(i, "", "", AwsRouteTableRig.OVERLAY + "/32 dev eth0", """
                        floating_ip {
                            provider aws
                            mode route_table
                            address %s
                            route_table %s %s
                            instance_id %s
                            network_interface %s
                            region %s
                        }
                        floating_ip {
                            provider linux-l2
                        }""".formatted(AwsRouteTableRig.OVERLAY, tables[0], tables[1], AwsRig.INSTANCE[i],
                        AwsRig.ENI[i], AwsRig.REGION)));
            }
            String env = rig.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(" "));
            // each start returns once the node is Backup (or Master) and its AWS request path is compiled
            // (WarmUpThread: seconds of CPU on a busy 2-core machine, enough to delay the other node's adverts
            // past Master_Down_Interval if a break came in the middle of it)
            Path ctl = controlScript(rig.lan, configs, env, "aws: request path compiled");
            try {
                for (int i = 0; i < 2; i++) {
                    sh(ctl + " node-" + i + " web-start", 30);
                }
                sh(ctl + " node-0 start MASTER", 60);
                sh(ctl + " node-1 start BACKUP", 60);
                // the operator's AWS CLI: the test endpoint, fake static credentials, no config files, no metadata
                String aws = "env " + env + " aws --endpoint-url " + rig.ec2.uri() + " --region " + AwsRig.REGION;
                List<String> routeArgs = List.of("-R", dest, "-T", String.join(",", tables),
                        "-E", "node-0=" + AwsRig.ENI[0] + ",node-1=" + AwsRig.ENI[1], "-a", aws);

                String out = drill(rig.lan, ctl, RUNS, 20, routeArgs, "kill9", "stop");
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
                // before every break, both tables at one node (the Master the page named)
                List<String> befores = out.lines().filter(l -> l.startsWith("   routes before: ")).toList();
                assertEquals(2 * RUNS, befores.size(), out);
                Pattern oneNode = Pattern.compile("   routes before: " + tables[0] + "=(node-[01]) " + tables[1] + "=\\1");
                for (String b : befores) {
                    assertTrue(oneNode.matcher(b).matches(), "a 'routes before' line not naming one node for both tables: "
                            + b + "\n" + out);
                }
                // floatd moved them: a ReplaceRoute per table per failover, from the node that became Master
                assertTrue(rig.ec2.routeChanges().size() >= 2 * 2 * RUNS, rig.ec2.routeChanges().toString());
                // and the overlay IP is local on the node both tables route to, and only there (the linux-l2 block)
                int holder = AwsRouteTableRig.holder(rig);
                assertTrue(holder >= 0, "the tables disagree: " + rig.ec2.routeChanges());
                for (int i = 0; i < 2; i++) {
                    boolean local = rig.host(i).exec("ip", "-o", "-4", "addr", "show", "dev", Lan.IFNAME)
                            .contains(AwsRouteTableRig.OVERLAY + "/32");
                    assertEquals(i == holder, local, "overlay IP on node-" + i + ", tables at node-" + holder + logs());
                }

                // table B stops following (EC2 fails every write to it): the next failover moves only table A, and
                // the drill says so
                rig.ec2.failRouteWrites(tables[1], 100_000, (Ec2TestEndpoint.Fault.Error) Ec2TestEndpoint.Fault.internalError());
                String stuck = drill(rig.lan, ctl, 1, 8, routeArgs, "kill9");
                Matcher wrong = Pattern.compile("(?m)^ROUTES kill9 1 wrong after " + tables[0] + "=(node-[01]),"
                        + tables[1] + "=(node-[01]) \\(expected every table at (node-[01]) ").matcher(stuck);
                assertTrue(wrong.find(), "a table left behind is not reported\n" + stuck + logs());
                assertEquals(wrong.group(1), wrong.group(3), stuck);
                assertTrue(!wrong.group(2).equals(wrong.group(3)), stuck);
                assertTrue(stuck.contains("ROUTES_OK kill9 0/1"), stuck);
                long reads = rig.ec2.requests().stream().filter(r -> r.action().equals("DescribeRouteTables")
                        && r.clientAddress().equals(Lan.address(AwsRig.CLOUD))).count();
                assertTrue(reads >= 2 * 2 * RUNS + 2, "the drill read the tables " + reads + " times");
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

    /**
     * {@code ctl.sh NODE ACTION}: what SSH would do on a cloud node, for node-0 and node-1 (floatd.conf:
     * {@code configs}; floatd's environment: {@code env}, NAME=VALUE words without spaces or quotes). {@code start}
     * returns once floatd logged its state and, unless {@code ready} is empty, a line containing {@code ready}.
     */
    private Path controlScript(Lan lan, List<String> configs, String env, String ready) throws Exception {
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
                    ip netns exec "$ns" env -u JOURNAL_STREAM %s %s >> "$dir/floatd.log" 2>&1 &
                    echo $! > "$dir/floatd.pid"
                    for i in $(seq 1 400); do grep -q "Entering $want STATE" "$dir/floatd.log" && break; sleep 0.05; done
                    grep -q "Entering $want STATE" "$dir/floatd.log" \
                      || { echo "floatd on $node did not reach $want" >&2; cat "$dir/floatd.log" >&2; exit 1; }
                    ready=%s
                    for i in $(seq 1 1200); do [ -z "$ready" ] || grep -qF "$ready" "$dir/floatd.log" && exit 0; sleep 0.05; done
                    echo "floatd on $node did not log $ready" >&2; cat "$dir/floatd.log" >&2; exit 1 ;;
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
                """.formatted(lan.host(0).name(), lan.host(1).name(), tmp, env, floatd, "'" + ready + "'", python);
        Path ctl = tmp.resolve("ctl.sh");
        Files.writeString(ctl, script);
        Files.setPosixFilePermissions(ctl, PosixFilePermissions.fromString("rwxr-xr-x"));
        return ctl;
    }

    /**
     * node-{@code node}'s floatd.conf: {@code top} before the instance, {@code tracked} more track_script names,
     * {@code vips} more virtual_ipaddress lines, {@code extra} more instance lines.
     */
    private static String config(int node, String top, String tracked, String vips, String extra) {
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
                        %s
                    }
                    %s
                }
                """.formatted(node, top, node == 0 ? 150 : 100, Lan.address(node), Lan.address(1 - node), tracked, VIP, vips, extra);
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
