package io.floatd.cli;

import static io.floatd.cli.CommandRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code floatd check --explain}: migration help for a keepalived.conf, through picocli as a user calls it. */
class CheckExplainTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static String config(String notifyMaster, String extraGlobal, String extraInstance) {
        return """
                global_defs {
                    router_id lb1
                    notification_email {
                        ops@example.com
                    }
                    smtp_server 127.0.0.1
                %s}
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    unicast_src_ip 10.0.0.11/24
                    unicast_peer {
                        10.0.0.12
                    }
                    virtual_ipaddress {
                        10.0.0.100/24
                    }
                    notify_master %s
                %s}
                """.formatted(extraGlobal, notifyMaster, extraInstance);
    }

    @Test
    void anInlineAwsCallIsPointedAtTheFloatingIpBlockThatReplacesIt() throws IOException {
        Path conf = write("keepalived.conf", config(
                "\"/usr/bin/aws ec2 associate-address --allocation-id eipalloc-1 --instance-id i-1\"", "", ""));
        CommandRun r = run("check", "--explain", "-f", conf.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains(conf + ":19: notify_master '/usr/bin/aws ec2 associate-address --allocation-id"
                + " eipalloc-1 --instance-id i-1' calls aws ec2 associate-address (an Elastic IP): replace it with"
                + " floating_ip { provider aws; mode eip;"), r.out());
        // the warned keywords are listed with their reason, once each
        assertTrue(r.out().contains(conf + ":3: global_defs notification_email: ignored with a warning: floatd sends no mail"),
                r.out());
        assertTrue(r.out().contains(conf + ":6: global_defs smtp_server: ignored with a warning: "), r.out());
        // an implemented keyword with a difference worth knowing, and none for one that behaves as in keepalived
        assertTrue(r.out().contains(conf + ":13: vrrp_instance unicast_peer: differs: adverts from addresses not listed"
                + " are dropped"), r.out());
        assertFalse(r.out().contains("unicast_src_ip"), r.out());
        assertTrue(r.out().startsWith("keepalived keywords used: "), r.out());
        assertTrue(r.out().contains("floatd: " + conf + ": valid, 1 instance(s)"), r.out());
    }

    @Test
    void aScriptFileThatCurlsDigitalOceanIsReadAndPointedOut() throws IOException {
        Path script = write("master.sh", """
                #!/bin/sh
                # move the reserved IP here
                curl -s -X POST -H "Authorization: Bearer $TOKEN" \\
                  "https://api.digitalocean.com/v2/reserved_ips/203.0.113.50/actions" -d '{"type":"assign"}'
                """);
        script.toFile().setExecutable(true);
        Path conf = write("keepalived.conf", config(script.toString(), "", ""));
        CommandRun r = run("check", "--explain", "-f", conf.toString());
        assertTrue(r.out().contains(conf + ":19: notify_master '" + script + "' calls curl to api.digitalocean.com"
                + " (a DigitalOcean reserved IP): replace it with floating_ip { provider digitalocean;"), r.out());
    }

    @Test
    void hcloudFloatingIpAssignIsReplacedByProviderHetzner() throws IOException {
        Path conf = write("keepalived.conf", config("\"/usr/bin/hcloud floating-ip assign 123 456\"", "", ""));
        CommandRun r = run("check", "--explain", "-f", conf.toString());
        assertTrue(r.out().contains("calls hcloud floating-ip assign (a Hetzner floating IP): replace it with floating_ip"
                + " { provider hetzner;"), r.out());
    }

    @Test
    void aCloudWithoutAProviderIsSaidSo() throws IOException {
        Path conf = write("keepalived.conf", config("\"/usr/bin/gcloud compute instances network-interfaces update\"",
                "", ""));
        CommandRun r = run("check", "--explain", "-f", conf.toString());
        assertTrue(r.out().contains("calls gcloud (Google Cloud): no floatd provider does this yet: keep the script"),
                r.out());
    }

    @Test
    void aScriptWithoutACloudCallIsNotMentioned() throws IOException {
        Path conf = write("keepalived.conf", config("\"/bin/echo master\"", "", ""));
        CommandRun r = run("check", "--explain", "-f", conf.toString());
        assertFalse(r.out().contains(" calls "), r.out());
    }

    @Test
    void refusedKeywordsAreExplainedAndTheCheckStillFails() throws IOException {
        Path conf = write("keepalived.conf", config("\"/bin/echo master\"", "    vrrp_startup_delay 5\n", "    vrf blue\n"));
        CommandRun r = run("check", "--explain", "-f", conf.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.getFirst().matches("keepalived keywords used: \\d+ \\(\\d+ implemented, 2 ignored with a warning,"
                + " 2 refused\\)"), lines.getFirst());
        // refused first, each with its reason
        assertTrue(lines.get(1).startsWith(conf + ":7: global_defs vrrp_startup_delay: refused: "), lines.get(1));
        assertTrue(lines.get(2).startsWith(conf + ":21: vrrp_instance vrf: refused: "), lines.get(2));
        assertTrue(r.err().contains(conf + ":21: vrrp_instance VI_1: floatd does not support 'vrf'"), r.err());
    }

    @Test
    void withoutExplainCheckPrintsNoReport() throws IOException {
        Path conf = write("keepalived.conf", config("\"/usr/bin/aws ec2 associate-address --allocation-id x\"", "", ""));
        CommandRun r = run("check", "-f", conf.toString());
        assertEquals(0, r.exit(), r::toString);
        assertFalse(r.out().contains("keepalived keywords used"), r.out());
    }

    @Test
    void keywordsInAnIncludedFileAreNamedAtTheirOwnFileAndLine() throws IOException {
        Path inc = write("mail.conf", "global_defs {\n    smtp_server 127.0.0.1\n}\n");
        Path conf = write("keepalived.conf", "include " + inc.getFileName() + "\n" + config("\"/bin/true\"", "", "")
                .replace("    smtp_server 127.0.0.1\n", ""));
        CommandRun r = run("check", "--explain", "-f", conf.toString());
        assertTrue(r.out().contains(inc + ":2: global_defs smtp_server: ignored with a warning: "), r.out());
    }

    @Test
    void aFileThatDoesNotParseIsStillExplained() throws IOException {
        Path conf = write("keepalived.conf", "global_defs {\n    enable_snmp_vrrp\n    vrrp_startup_delay 5\n");
        CommandRun r = run("check", "--explain", "-f", conf.toString());
        assertEquals(FloatdCommand.EXIT_CONFIG, r.exit(), r::toString);
        assertTrue(r.out().contains(conf + ":3: global_defs vrrp_startup_delay: refused: "), r.out());
        assertTrue(r.out().contains(conf + ":2: global_defs enable_snmp_vrrp: ignored with a warning: floatd has no SNMP"),
                r.out());
    }
}
