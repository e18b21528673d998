package io.floatd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.floatd.cli.FloatdCommand;
import io.floatd.provider.aws.AwsSettings;
import io.floatd.provider.digitalocean.DoSettings;
import io.floatd.provider.hetzner.HetznerSettings;
import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.UnicastPeer;
import io.floatd.vrrp.takeover.TakeoverSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Terraform stacks in {@code terraform-test/} checked offline, without Terraform or a cloud account:
 *
 * <ul>
 *   <li>every {@code .tf} file parses with HashiCorp's HCL parser ({@code @cdktf/hcl2json}, installed from npm into
 *       {@code terraform-test/.tools}) and every {@code var.}, {@code local.}, {@code data.} and resource reference
 *       resolves ({@code terraform-test/tools/hcl-lint.js});
 *   <li>the variable validations exist and their conditions (the {@code can(regex(...))} / {@code can(cidrhost(...))}
 *       forms the stacks use) reject an SSH CIDR of 0.0.0.0/0, an empty token and a group- or world-readable token
 *       file, with their error messages;
 *   <li>each {@code templatefile()} call passes exactly the names its template uses, and the floatd.conf templates,
 *       rendered for both nodes with Terraform's {@code ${name}} interpolation, pass the real {@code floatd check}
 *       and the provider's own settings parser (which {@code check} does not run);
 *   <li>the cross-AZ stack ({@code aws-cross-az}): two subnets in two zones, one route table each carrying the overlay
 *       IP's /32 route (started at node lb-a's interface, then left to floatd), source/destination checking off, the
 *       role's route writes narrowed to the two tables, an overlay IP outside the VPC (the precondition evaluated),
 *       and its floatd.conf with a {@code mode route_table} block and a {@code linux-l2} block through
 *       {@code floatd check} and the aws provider's parser;
 *   <li>the rendered user data is valid bash ({@code bash -n}) and the rendered cloud-init is valid YAML that writes
 *       the token file root-owned with mode 0600 and the very floatd.conf that was checked.
 * </ul>
 */
@Timeout(300)
class TerraformTemplatesTest {
    private static final Path ROOT = repoRoot();
    private static final Path TF = ROOT.resolve("terraform-test");
    private static final Path TOOLS = TF.resolve(".tools/node_modules");

    @TempDir
    Path tmp;

    @BeforeAll
    static void installTools() throws Exception {
        if (Files.isDirectory(TOOLS.resolve("@cdktf/hcl2json")) && Files.isDirectory(TOOLS.resolve("js-yaml"))) {
            return;
        }
        Result r = run(List.of("bash", TF.resolve("tools/install.sh").toString()), null, 300);
        assertEquals(0, r.exit, "terraform-test/tools/install.sh (npm install of @cdktf/hcl2json and js-yaml) failed:\n"
                + r.out);
    }

    // ---- HCL ---------------------------------------------------------------------------------------------------

    @Test
    void awsStackParsesAndEveryReferenceResolves() throws Exception {
        JsonObject lint = lint("aws");
        assertOutputs(lint, "aws_eip.vip", "aws_instance.node");
        assertTrue(has(lint.getAsJsonArray("resources"), "aws_iam_instance_profile.floatd"));
        assertTrue(has(lint.getAsJsonArray("resources"), "aws_vpc_security_group_ingress_rule.vrrp"));
    }

    @Test
    void crossAzStackParsesAndEveryReferenceResolves() throws Exception {
        JsonObject lint = lint("aws-cross-az");
        assertOutputs(lint, "aws_instance.client", "aws_instance.node");
        JsonObject outputs = lint.getAsJsonObject("outputs");
        assertTrue(has(outputs.getAsJsonObject("route_table_ids").getAsJsonArray("refs"), "aws_route_table.node"), outputs.toString());
        assertTrue(has(outputs.getAsJsonObject("node_enis").getAsJsonArray("refs"), "aws_instance.node"), outputs.toString());
        for (String r : List.of("aws_route_table.node", "aws_instance.node", "local.overlay_cidr")) {
            assertTrue(has(outputs.getAsJsonObject("drill_route_args").getAsJsonArray("refs"), r), "drill_route_args: " + outputs);
        }
        assertFalse(lint.getAsJsonArray("resources").toString().contains("aws_eip"), "the cross-AZ stack moves no Elastic IP");
    }

    @Test
    void crossAzNodesSitInTwoZonesAndBothRouteTablesCarryTheOverlayRoute() throws Exception {
        JsonObject main = hclJson("aws-cross-az/main.tf").getAsJsonObject("resource");
        JsonObject subnet = only(main, "aws_subnet", "node");
        assertEquals(2, subnet.get("count").getAsInt());
        assertEquals("${data.aws_availability_zones.available.names[count.index]}", subnet.get("availability_zone").getAsString());
        JsonObject table = only(main, "aws_route_table", "node");
        assertEquals(2, table.get("count").getAsInt());
        JsonObject assoc = only(main, "aws_route_table_association", "node");
        assertEquals("${aws_subnet.node[count.index].id}", assoc.get("subnet_id").getAsString());
        assertEquals("${aws_route_table.node[count.index].id}", assoc.get("route_table_id").getAsString());

        JsonObject route = only(main, "aws_route", "overlay");
        assertEquals(2, route.get("count").getAsInt(), "one overlay route in each of the two tables");
        assertEquals("${aws_route_table.node[count.index].id}", route.get("route_table_id").getAsString());
        assertEquals("${local.overlay_cidr}", route.get("destination_cidr_block").getAsString());
        assertEquals("${aws_instance.node[0].primary_network_interface_id}", route.get("network_interface_id").getAsString(),
                "the route starts at node lb-a's interface");
        JsonObject lifecycle = route.getAsJsonArray("lifecycle").get(0).getAsJsonObject();
        // floatd owns the target once the stack exists: a second apply must not move the route back
        assertEquals("[\"${network_interface_id}\"]", lifecycle.getAsJsonArray("ignore_changes").toString());

        // the overlay IP must lie outside the VPC: the precondition, evaluated as Terraform does, on the defaults and
        // on an address inside the VPC
        JsonObject pre = lifecycle.getAsJsonArray("precondition").get(0).getAsJsonObject();
        assertEquals("${cidrhost(var.vpc_cidr, 0) != cidrhost(\"${var.overlay_ip}/${split(\"/\", var.vpc_cidr)[1]}\", 0)}",
                pre.get("condition").getAsString(), "the test evaluates this very condition");
        String vpc = unquote(defaultOf("aws-cross-az", "vpc_cidr"));
        String overlay = unquote(defaultOf("aws-cross-az", "overlay_ip"));
        assertEquals("192.168.100.10", overlay);
        assertTrue(outsideVpc(vpc, overlay), overlay + " inside " + vpc);
        assertFalse(outsideVpc(vpc, "10.43.7.9"), "the precondition lets an overlay IP inside the VPC through");
        assertTrue(pre.get("error_message").getAsString().contains("outside vpc_cidr"));
        JsonObject v = lint("aws-cross-az").getAsJsonObject("variables");
        assertEquals(null, refusal(v, "overlay_ip", "192.168.100.10"));
        for (String bad : List.of("192.168.100.10/32", "192.168.100", "256.1.1.1", "2001:db8::10", "")) {
            assertNotNull(refusal(v, "overlay_ip", bad), "overlay_ip accepts '" + bad + "'");
        }

        JsonObject node = only(main, "aws_instance", "node");
        assertEquals(2, node.get("count").getAsInt());
        assertEquals("${aws_subnet.node[count.index].id}", node.get("subnet_id").getAsString());
        assertFalse(node.get("source_dest_check").getAsBoolean(), "source/destination checking must be off on the nodes");
        assertEquals("${aws_iam_instance_profile.floatd.name}", node.get("iam_instance_profile").getAsString());

        JsonObject vrrp = only(main, "aws_vpc_security_group_ingress_rule", "vrrp");
        assertEquals("112", vrrp.get("ip_protocol").getAsString());
        assertEquals("${aws_security_group.nodes.id}", vrrp.get("referenced_security_group_id").getAsString());
        assertEquals("${aws_security_group.nodes.id}", vrrp.get("security_group_id").getAsString());
    }

    @Test
    void crossAzRoleMayDescribeAndWriteRoutesOnlyInItsTwoTables() throws Exception {
        JsonObject root = hclJson("aws-cross-az/main.tf");
        JsonArray statements = root.getAsJsonObject("data").getAsJsonObject("aws_iam_policy_document")
                .getAsJsonArray("floatd_route_table").get(0).getAsJsonObject().getAsJsonArray("statement");
        Map<String, JsonObject> bySid = new LinkedHashMap<>();
        for (JsonElement e : statements) {
            bySid.put(e.getAsJsonObject().get("sid").getAsString(), e.getAsJsonObject());
        }
        assertEquals(Set.of("Read", "MoveTheOverlayRoute"), bySid.keySet());
        for (JsonObject st : bySid.values()) {
            assertEquals("Allow", st.get("effect").getAsString());
        }
        // what mode route_table calls: the route read, the peers' interfaces, our interface's source/dest check
        assertEquals(Set.of("ec2:DescribeRouteTables", "ec2:DescribeNetworkInterfaces", "ec2:DescribeNetworkInterfaceAttribute"),
                strings(bySid.get("Read").getAsJsonArray("actions")));
        assertEquals("[\"*\"]", bySid.get("Read").get("resources").toString(), "EC2's Describe actions need Resource *");
        assertEquals(Set.of("ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"),
                strings(bySid.get("MoveTheOverlayRoute").getAsJsonArray("actions")));
        assertEquals("${aws_route_table.node[*].arn}", bySid.get("MoveTheOverlayRoute").get("resources").getAsString(),
                "the route writes must be narrowed to the two route tables");
        JsonObject policy = only(root.getAsJsonObject("resource"), "aws_iam_role_policy", "floatd_route_table");
        assertEquals("${data.aws_iam_policy_document.floatd_route_table.json}", policy.get("policy").getAsString());
        assertEquals("${aws_iam_role.floatd.id}", policy.get("role").getAsString());
    }

    /**
     * The role is exactly the {@code mode route_table} policy of providers/aws/README.md: the same actions in the same
     * statements, the writes on route tables. Depends on branch h/rt, which writes that policy into the README.
     */
    @Test
    void crossAzRoleIsTheRouteTablePolicyOfTheAwsReadme() throws Exception {
        String readme = Files.readString(ROOT.resolve("providers/aws/README.md"));
        int section = readme.indexOf("## Mode route_table");
        assertTrue(section >= 0, "providers/aws/README.md has no '## Mode route_table' section");
        int start = readme.indexOf("```json\n", section);
        assertTrue(start >= 0, "no JSON policy in the route_table section");
        JsonObject policy = JsonParser.parseString(readme.substring(start + 8, readme.indexOf("```", start + 8))).getAsJsonObject();
        JsonArray statements = hclJson("aws-cross-az/main.tf").getAsJsonObject("data").getAsJsonObject("aws_iam_policy_document")
                .getAsJsonArray("floatd_route_table").get(0).getAsJsonObject().getAsJsonArray("statement");
        List<Set<String>> readmeActions = new ArrayList<>();
        for (JsonElement e : policy.getAsJsonArray("Statement")) {
            JsonObject st = e.getAsJsonObject();
            assertEquals("Allow", st.get("Effect").getAsString());
            readmeActions.add(strings(st.getAsJsonArray("Action")));
            if (st.get("Resource").isJsonArray()) {
                st.getAsJsonArray("Resource").forEach(r -> assertTrue(r.getAsString().contains(":route-table/rtb-"), r.toString()));
            } else {
                assertEquals("*", st.get("Resource").getAsString());
            }
        }
        List<Set<String>> stackActions = new ArrayList<>();
        statements.forEach(e -> stackActions.add(strings(e.getAsJsonObject().getAsJsonArray("actions"))));
        assertEquals(readmeActions, stackActions);
    }

    @Test
    void digitaloceanStackParsesAndEveryReferenceResolves() throws Exception {
        JsonObject lint = lint("digitalocean");
        assertOutputs(lint, "digitalocean_reserved_ip.vip", "digitalocean_droplet.node");
        assertTrue(lint.getAsJsonObject("variables").getAsJsonObject("do_token").get("sensitive").getAsBoolean(),
                "do_token must be sensitive");
        // a Cloud Firewall has no rule for IP protocol 112 and filters the VPC interface: it would split the pair
        assertFalse(lint.getAsJsonArray("resources").toString().contains("digitalocean_firewall"),
                "a digitalocean_firewall on the droplets drops VRRP (see providers/digitalocean/README.md)");
    }

    @Test
    void hetznerStackParsesAndEveryReferenceResolves() throws Exception {
        JsonObject lint = lint("hetzner");
        assertOutputs(lint, "hcloud_floating_ip.vip", "hcloud_server.node");
        assertTrue(lint.getAsJsonObject("variables").getAsJsonObject("hcloud_token").get("sensitive").getAsBoolean(),
                "hcloud_token must be sensitive");
        for (String r : List.of("hcloud_network_subnet.test", "hcloud_firewall.pair", "random_password.vrrp_key")) {
            assertTrue(has(lint.getAsJsonArray("resources"), r), r + ": " + lint.getAsJsonArray("resources"));
        }
        // the firewall admits the UDP transport's port (a Cloud Firewall has no rule for IP protocol 112)
        String main = Files.readString(TF.resolve("hetzner/main.tf"));
        assertTrue(main.contains("protocol    = \"udp\"") && main.contains("vrrp_port   = 5112"), main);
    }

    @Test
    void theLintCatchesAnUndeclaredVariableAndABrokenFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(dir.resolve("main.tf"), """
                variable "a" {
                  type = string
                }
                output "x" {
                  value = "${var.a}-${var.b}-${aws_eip.nope.public_ip}"
                }
                """);
        Result r = node("hcl-lint.js", dir.toString());
        assertEquals(1, r.exit, r.out);
        assertTrue(r.out.contains("var.b: variable not declared"), r.out);
        assertTrue(r.out.contains("aws_eip.nope.public_ip: resource not declared"), r.out);
        // ignore_changes names the resource's own attributes (not references); the rest of lifecycle is resolved
        Files.writeString(dir.resolve("main.tf"), """
                resource "aws_route" "r" {
                  network_interface_id = "eni-0123"
                  lifecycle {
                    ignore_changes = [network_interface_id]
                    precondition {
                      condition     = var.c != ""
                      error_message = "c"
                    }
                  }
                }
                """);
        r = node("hcl-lint.js", dir.toString());
        assertEquals(1, r.exit, r.out);
        assertTrue(r.out.contains("var.c: variable not declared"), r.out);
        assertFalse(r.out.contains("network_interface_id: resource not declared"), r.out);
        Files.writeString(dir.resolve("main.tf"), "resource \"x\" \"y\" {\n");
        r = node("hcl-lint.js", dir.toString());
        assertEquals(1, r.exit, r.out);
        assertTrue(r.out.contains("main.tf: does not parse"), r.out);
    }

    // ---- variable validations ---------------------------------------------------------------------------------

    @Test
    void operatorCidrRefusesTheWholeInternet() throws Exception {
        for (String stack : List.of("aws", "aws-cross-az", "digitalocean", "hetzner")) {
            JsonObject v = lint(stack).getAsJsonObject("variables");
            assertFalse(v.getAsJsonObject("operator_cidr").get("hasDefault").getAsBoolean(), stack + ": operator_cidr has a default");
            for (String open : List.of("0.0.0.0/0", "::/0", "0.0.0.0/00")) {
                String msg = refusal(v, "operator_cidr", open);
                assertNotNull(msg, stack + ": operator_cidr accepts " + open);
                assertTrue(msg.contains("0.0.0.0/0") && msg.contains("SSH"), stack + ": unclear message: " + msg);
            }
            assertNotNull(refusal(v, "operator_cidr", "not-a-cidr"), stack + ": operator_cidr accepts not-a-cidr");
            assertNotNull(refusal(v, "operator_cidr", "203.0.113.7/33"), stack + ": operator_cidr accepts /33");
            for (String ok : List.of("203.0.113.7/32", "198.51.100.0/24", "2001:db8::/48")) {
                assertEquals(null, refusal(v, "operator_cidr", ok), stack + ": operator_cidr refuses " + ok);
            }
        }
    }

    @Test
    void digitaloceanTokenMustBeSetAndItsFileRootOnly() throws Exception {
        JsonObject v = lint("digitalocean").getAsJsonObject("variables");
        for (String empty : List.of("", "   ", "\n")) {
            String msg = refusal(v, "do_token", empty);
            assertNotNull(msg, "an empty token is accepted: '" + empty + "'");
            assertTrue(msg.contains("must not be empty"), msg);
        }
        assertEquals(null, refusal(v, "do_token", "dop_v1_0123abcd"));
        for (String open : List.of("0644", "0640", "0604", "0666", "0660", "0777", "644")) {
            String msg = refusal(v, "token_file_mode", open);
            assertNotNull(msg, "token_file_mode accepts " + open);
            assertTrue(msg.contains("0600") && msg.contains("group and others"), msg);
        }
        for (String ok : List.of("0600", "0400", "600")) {
            assertEquals(null, refusal(v, "token_file_mode", ok), "token_file_mode refuses " + ok);
        }
        assertEquals("\"0600\"", defaultOf("digitalocean", "token_file_mode"));
    }

    @Test
    void hetznerTokenMustBeSetAndItsFileRootOnly() throws Exception {
        JsonObject v = lint("hetzner").getAsJsonObject("variables");
        for (String empty : List.of("", "   ", "\n")) {
            String msg = refusal(v, "hcloud_token", empty);
            assertNotNull(msg, "an empty token is accepted: '" + empty + "'");
            assertTrue(msg.contains("must not be empty"), msg);
        }
        assertEquals(null, refusal(v, "hcloud_token", "0123abcdXYZ"));
        for (String open : List.of("0644", "0640", "0604", "0666", "644")) {
            assertNotNull(refusal(v, "token_file_mode", open), "token_file_mode accepts " + open);
        }
        assertEquals("\"0600\"", defaultOf("hetzner", "token_file_mode"));
    }

    // ---- templates --------------------------------------------------------------------------------------------

    @Test
    void awsTemplatesRenderForBothNodesAndPassFloatdCheck() throws Exception {
        List<Call> calls = templatefileCalls("aws");
        Call conf = call(calls, "templates/floatd.conf.tftpl");
        Call userData = call(calls, "templates/user-data.sh.tftpl");
        String[] names = {"lb-a", "lb-b"};
        String[] ips = {"10.42.0.10", "10.42.0.11"};
        int[] priorities = {150, 100};
        for (int i = 0; i < 2; i++) {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("router_id", names[i]);
            c.put("interface", "ens5");
            c.put("priority", String.valueOf(priorities[i]));
            c.put("advert_int", "1");
            c.put("self_ip", ips[i]);
            c.put("peer_ip", ips[1 - i]);
            c.put("eip_allocation", "eipalloc-0123456789abcdef0");
            c.put("region", "eu-west-1");
            String rendered = render("aws", conf, c);
            Path file = tmp.resolve("aws-" + names[i] + ".conf");
            Files.writeString(file, rendered);
            InstanceConfig ic = checked(file);
            assertEquals(priorities[i], ic.priority());
            assertEquals(ips[i], ic.unicastSrcIp().getHostAddress());
            assertEquals(ips[1 - i], ic.unicastPeers().get(0).address().getHostAddress());
            AwsSettings aws = AwsSettings.parse(TakeoverSettings.providerSettings(ic), ic.virtualAddresses());
            assertEquals(AwsSettings.Mode.EIP, aws.mode());

            Map<String, String> u = new LinkedHashMap<>();
            u.put("node_name", names[i]);
            u.put("floatd_package_url", "https://example.invalid/floatd-0.1.0.tar.gz");
            u.put("floatd_conf_b64", b64(rendered));
            Path script = tmp.resolve("user-data-" + names[i] + ".sh");
            Files.writeString(script, render("aws", userData, u));
            Result syntax = run(List.of("bash", "-n", script.toString()), null, 30);
            assertEquals(0, syntax.exit, "rendered user data is not valid bash:\n" + syntax.out);
            assertTrue(Files.readString(script).contains("echo '" + b64(rendered) + "' | base64 -d > /etc/floatd/floatd.conf"));
        }
    }

    private static final String[] XAZ_NAMES = {"lb-a", "lb-b"};
    private static final String[] XAZ_IPS = {"10.43.0.10", "10.43.1.10"};
    private static final String[] XAZ_TABLES = {"rtb-0a1a1a1a1a1a1a1a1", "rtb-0b2b2b2b2b2b2b2b2"};

    /** The cross-AZ floatd.conf of node {@code i}, rendered with what main.tf passes. */
    private String renderCrossAzConf(int i) throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("router_id", XAZ_NAMES[i]);
        c.put("interface", "ens5");
        c.put("priority", String.valueOf(i == 0 ? 150 : 100));
        c.put("advert_int", "1");
        c.put("self_ip", XAZ_IPS[i]);
        c.put("peer_ip", XAZ_IPS[1 - i]);
        c.put("overlay_ip", "192.168.100.10");
        c.put("route_tables", String.join(" ", XAZ_TABLES)); // join(" ", aws_route_table.node[*].id)
        c.put("region", "eu-west-1");
        return render("aws-cross-az", call(templatefileCalls("aws-cross-az"), "templates/floatd.conf.tftpl"), c);
    }

    @Test
    void crossAzUserDataRendersAsBashForBothNodesAndTheClient() throws Exception {
        List<Call> calls = templatefileCalls("aws-cross-az");
        for (int i = 0; i < 2; i++) {
            String conf = renderCrossAzConf(i);
            Map<String, String> u = new LinkedHashMap<>();
            u.put("node_name", XAZ_NAMES[i]);
            u.put("floatd_package_url", "https://example.invalid/floatd-0.1.0.tar.gz");
            u.put("floatd_conf_b64", b64(conf));
            Path script = tmp.resolve("xaz-user-data-" + XAZ_NAMES[i] + ".sh");
            Files.writeString(script, render("aws-cross-az", call(calls, "templates/user-data.sh.tftpl"), u));
            Result syntax = run(List.of("bash", "-n", script.toString()), null, 30);
            assertEquals(0, syntax.exit, "rendered user data is not valid bash:\n" + syntax.out);
            assertTrue(Files.readString(script).contains("echo '" + b64(conf) + "' | base64 -d > /etc/floatd/floatd.conf"));
        }
        Path client = tmp.resolve("xaz-client.sh");
        Files.writeString(client, render("aws-cross-az", call(calls, "templates/client-user-data.sh.tftpl"),
                Map.of("overlay_ip", "192.168.100.10")));
        Result syntax = run(List.of("bash", "-n", client.toString()), null, 30);
        assertEquals(0, syntax.exit, "rendered client user data is not valid bash:\n" + syntax.out);
        String text = Files.readString(client);
        assertTrue(text.contains("proxy_pass http://192.168.100.10/;"), text);
        assertTrue(text.contains("proxy_connect_timeout 1s;"), "a probe must not hang on a route to a silent node");
    }

    /**
     * Depends on branches h/rt ({@code mode route_table} and its multi-word {@code route_table} key in the aws
     * provider) and h/multi (several {@code floating_ip} blocks in one instance): before they are merged, floatd
     * check refuses the second block and the provider refuses the mode.
     */
    @Test
    void crossAzFloatdConfPassesFloatdCheckWithTheRouteTableAndLinuxBlocks() throws Exception {
        for (int i = 0; i < 2; i++) {
            Path file = tmp.resolve("xaz-" + XAZ_NAMES[i] + ".conf");
            Files.writeString(file, renderCrossAzConf(i));
            InstanceConfig ic = checked(file);
            assertEquals(i == 0 ? 150 : 100, ic.priority());
            assertEquals(XAZ_IPS[i], ic.unicastSrcIp().getHostAddress());
            assertEquals(XAZ_IPS[1 - i], ic.unicastPeers().get(0).address().getHostAddress());
            assertEquals(1, ic.virtualAddresses().size());
            assertEquals("192.168.100.10", ic.virtualAddresses().get(0).address().getHostAddress());
            assertEquals(32, ic.virtualAddresses().get(0).prefixLength());

            // the blocks as floatd parsed them (its effective configuration), then the aws provider's own parser
            List<Map<String, String>> blocks = floatingIpBlocks(ConfigParser.parse(file).dump());
            assertEquals(2, blocks.size(), "two floating_ip blocks: " + blocks);
            Map<String, String> aws = blocks.get(0);
            assertEquals("aws", aws.get("provider"));
            assertEquals("route_table", aws.get("mode"));
            assertEquals("192.168.100.10", aws.get("address"));
            assertEquals(String.join(" ", XAZ_TABLES), aws.get("route_table"));
            assertEquals(Map.of("provider", "linux-l2"), blocks.get(1));
            Map<String, String> settings = new LinkedHashMap<>(aws);
            settings.keySet().removeAll(TakeoverSettings.KEYS);
            AwsSettings parsed = AwsSettings.parse(settings, ic.virtualAddresses());
            assertEquals("ROUTE_TABLE", parsed.mode().name());
            for (String t : XAZ_TABLES) {
                assertTrue(parsed.toString().contains(t), "the provider lost route table " + t + ": " + parsed);
            }
        }
    }

    @Test
    void digitaloceanTemplatesRenderForBothNodesAndPassFloatdCheck() throws Exception {
        List<Call> calls = templatefileCalls("digitalocean");
        Call conf = call(calls, "templates/floatd.conf.tftpl");
        Call cloudInit = call(calls, "templates/cloud-init.yaml.tftpl");
        String[] names = {"lb-a", "lb-b"};
        String[] ips = {"10.142.0.2", "10.142.0.3"};
        int[] priorities = {150, 100};
        Path token = tmp.resolve("do-token");
        Files.writeString(token, "dop_v1_test\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        for (int i = 0; i < 2; i++) {
            Path peers = tmp.resolve("peers-" + names[i] + ".conf");
            Map<String, String> c = new LinkedHashMap<>();
            c.put("router_id", names[i]);
            c.put("interface", "eth1");
            c.put("priority", String.valueOf(priorities[i]));
            c.put("advert_int", "1");
            c.put("peers_file", peers.toString());
            c.put("reserved_ip", "203.0.113.50");
            c.put("token_file", token.toString());
            String rendered = render("digitalocean", conf, c);

            Map<String, String> u = new LinkedHashMap<>();
            u.put("node_name", names[i]);
            u.put("floatd_package_url", "https://example.invalid/floatd-0.1.0.tar.gz");
            u.put("do_token_b64", b64("dop_v1_test"));
            u.put("token_file", "/etc/floatd/do-token");
            u.put("token_file_mode", "0600");
            u.put("peers_file", "/etc/floatd/peers.conf");
            u.put("pair_tag", "floatd-test-pair");
            u.put("vpc_ip_range", "10.142.0.0/24");
            u.put("operator_cidr", "203.0.113.7/32");
            u.put("floatd_conf_b64", b64(rendered));
            Path yamlFile = tmp.resolve("cloud-init-" + names[i] + ".yaml");
            Files.writeString(yamlFile, render("digitalocean", cloudInit, u));
            Result y = node("yaml-json.js", yamlFile.toString());
            assertEquals(0, y.exit, "rendered cloud-init is not valid YAML:\n" + y.out);
            JsonObject doc = JsonParser.parseString(y.out).getAsJsonObject();
            assertTrue(Files.readString(yamlFile).startsWith("#cloud-config\n"));
            Map<String, JsonObject> files = new LinkedHashMap<>();
            for (JsonElement e : doc.getAsJsonArray("write_files")) {
                files.put(e.getAsJsonObject().get("path").getAsString(), e.getAsJsonObject());
            }
            JsonObject tokenFile = files.get("/etc/floatd/do-token");
            assertNotNull(tokenFile, "cloud-init writes no token file: " + files.keySet());
            assertEquals("0600", tokenFile.get("permissions").getAsString());
            assertEquals("root:root", tokenFile.get("owner").getAsString());
            assertEquals("dop_v1_test", decode(tokenFile));
            assertEquals(rendered, decode(files.get("/etc/floatd/floatd.conf")));
            for (String script : List.of("/usr/local/sbin/floatd-peers", "/usr/local/sbin/floatd-install")) {
                Path s = tmp.resolve(Path.of(script).getFileName() + "-" + names[i]);
                Files.writeString(s, files.get(script).get("content").getAsString());
                Result syntax = run(List.of("bash", "-n", s.toString()), null, 30);
                assertEquals(0, syntax.exit, script + " is not valid bash:\n" + syntax.out);
            }
            assertEquals("[[\"bash\",\"/usr/local/sbin/floatd-install\"]]", doc.getAsJsonArray("runcmd").toString());

            // peers.conf as floatd-peers writes it (its own printf format), then the real floatd check
            Matcher printf = Pattern.compile("printf '(unicast_src_ip [^']*)' \"\\$self\" \"\\$peer\"")
                    .matcher(files.get("/usr/local/sbin/floatd-peers").get("content").getAsString());
            assertTrue(printf.find(), "floatd-peers writes no unicast_src_ip line");
            Files.writeString(peers, printf.group(1).replace("\\n", "\n").formatted(ips[i], ips[1 - i]));
            Path file = tmp.resolve("do-" + names[i] + ".conf");
            Files.writeString(file, rendered);
            InstanceConfig ic = checked(file);
            assertEquals(priorities[i], ic.priority());
            assertEquals(ips[i], ic.unicastSrcIp().getHostAddress());
            assertEquals(ips[1 - i], ic.unicastPeers().get(0).address().getHostAddress());
            DoSettings d = DoSettings.parse(TakeoverSettings.providerSettings(ic), ic.virtualAddresses());
            assertEquals("203.0.113.50", d.address());
            assertEquals(token, d.tokenFile());
        }
    }

    @Test
    void hetznerTemplatesRenderForBothNodesAndPassFloatdCheck() throws Exception {
        List<Call> calls = templatefileCalls("hetzner");
        Call conf = call(calls, "templates/floatd.conf.tftpl");
        Call cloudInit = call(calls, "templates/cloud-init.yaml.tftpl");
        String[] names = {"lb-a", "lb-b"};
        String[] ips = {"10.143.0.10", "10.143.0.11"};
        int[] priorities = {150, 100};
        Path token = tmp.resolve("hcloud-token");
        Files.writeString(token, "hcloudtest\n");
        Path key = tmp.resolve("vrrp.key");
        Files.writeString(key, "k".repeat(48));
        for (Path secret : List.of(token, key)) {
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        }
        for (int i = 0; i < 2; i++) {
            Path iface = tmp.resolve("interface-" + names[i] + ".conf");
            Map<String, String> c = new LinkedHashMap<>();
            c.put("router_id", names[i]);
            c.put("iface_file", iface.toString());
            c.put("priority", String.valueOf(priorities[i]));
            c.put("advert_int", "1");
            c.put("self_ip", ips[i]);
            c.put("peer_ip", ips[1 - i]);
            c.put("vrrp_port", "5112");
            c.put("key_file", key.toString());
            c.put("floating_ip", "203.0.113.77");
            c.put("token_file", token.toString());
            String rendered = render("hetzner", conf, c);

            Map<String, String> u = new LinkedHashMap<>();
            u.put("node_name", names[i]);
            u.put("floatd_package_url", "https://example.invalid/floatd-0.1.0.tar.gz");
            u.put("hcloud_token_b64", b64("hcloudtest"));
            u.put("token_file", "/etc/floatd/hcloud-token");
            u.put("token_file_mode", "0600");
            u.put("vrrp_key_b64", b64("k".repeat(48)));
            u.put("key_file", "/etc/floatd/vrrp.key");
            u.put("iface_file", "/etc/floatd/interface.conf");
            u.put("node_ip", ips[i]);
            u.put("floatd_conf_b64", b64(rendered));
            Path yamlFile = tmp.resolve("hz-cloud-init-" + names[i] + ".yaml");
            Files.writeString(yamlFile, render("hetzner", cloudInit, u));
            Result y = node("yaml-json.js", yamlFile.toString());
            assertEquals(0, y.exit, "rendered cloud-init is not valid YAML:\n" + y.out);
            JsonObject doc = JsonParser.parseString(y.out).getAsJsonObject();
            Map<String, JsonObject> files = new LinkedHashMap<>();
            for (JsonElement e : doc.getAsJsonArray("write_files")) {
                files.put(e.getAsJsonObject().get("path").getAsString(), e.getAsJsonObject());
            }
            for (String secret : List.of("/etc/floatd/hcloud-token", "/etc/floatd/vrrp.key")) {
                assertNotNull(files.get(secret), "cloud-init writes no " + secret + ": " + files.keySet());
                assertEquals("0600", files.get(secret).get("permissions").getAsString(), secret);
                assertEquals("root:root", files.get(secret).get("owner").getAsString(), secret);
            }
            assertEquals("hcloudtest", decode(files.get("/etc/floatd/hcloud-token")));
            assertEquals(rendered, decode(files.get("/etc/floatd/floatd.conf")));
            for (String script : List.of("/usr/local/sbin/floatd-interface", "/usr/local/sbin/floatd-install")) {
                Path sc = tmp.resolve(Path.of(script).getFileName() + "-" + names[i]);
                Files.writeString(sc, files.get(script).get("content").getAsString());
                Result syntax = run(List.of("bash", "-n", sc.toString()), null, 30);
                assertEquals(0, syntax.exit, script + " is not valid bash:\n" + syntax.out);
            }
            assertEquals("[[\"bash\",\"/usr/local/sbin/floatd-install\"]]", doc.getAsJsonArray("runcmd").toString());

            // interface.conf as floatd-interface writes it (its own printf format), then the real floatd check
            Matcher printf = Pattern.compile("printf '(interface [^']*)' \"\\$ifname\"")
                    .matcher(files.get("/usr/local/sbin/floatd-interface").get("content").getAsString());
            assertTrue(printf.find(), "floatd-interface writes no interface line");
            Files.writeString(iface, printf.group(1).replace("\\n", "\n").formatted("enp7s0"));
            Path file = tmp.resolve("hz-" + names[i] + ".conf");
            Files.writeString(file, rendered);
            InstanceConfig ic = checked(file);
            assertEquals(priorities[i], ic.priority());
            assertEquals("enp7s0", ic.interfaceName());
            assertEquals(ips[i], ic.unicastSrcIp().getHostAddress());
            assertEquals(ips[1 - i], ic.unicastPeers().get(0).address().getHostAddress());
            HetznerSettings h = HetznerSettings.parse(TakeoverSettings.providerSettings(ic), ic.interfaceName(),
                    ic.unicastPeers().stream().map(UnicastPeer::address).toList(), ic.name());
            assertEquals("203.0.113.77", h.address());
            assertEquals("eth0", h.interfaceName(), "the floating IP goes on the public interface");
            assertEquals(token, h.tokenFile());
        }
    }

    @Test
    void theRendererRefusesWhatItDoesNotImplementAndFloatdCheckRefusesABadConfig() throws Exception {
        assertEquals("a ${b} %{c}", Template.render("a $${b} %%{c}", Map.of(), new LinkedHashSet<>()));
        for (String unsupported : List.of("${upper(x)}", "%{ if x }y%{ endif }", "${x", "${x.y}")) {
            try {
                Template.render(unsupported, Map.of("x", "1"), new LinkedHashSet<>());
                fail("rendered " + unsupported);
            } catch (IllegalArgumentException expected) {
                // the templates must stay within what this renderer does exactly as Terraform does
            }
        }
        Path bad = tmp.resolve("bad.conf");
        Files.writeString(bad, "vrrp_instance V { state BACKUP\n interface eth0\n virtual_router_id 300\n priority 100\n}\n");
        Check c = check(bad);
        assertEquals(FloatdCommand.EXIT_CONFIG, c.exit, c.out);
        assertTrue(c.out.contains("bad.conf:"), c.out);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

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

    /** A stack file as HashiCorp's parser reads it ({@code tools/hcl-json.js}). */
    private static JsonObject hclJson(String file) throws Exception {
        Result r = node("hcl-json.js", TF.resolve(file).toString());
        assertEquals(0, r.exit, file + " does not parse:\n" + r.out);
        return JsonParser.parseString(r.out).getAsJsonObject();
    }

    /** The body of the one block {@code type "name"} in a parsed file's {@code resource} (or {@code data}) object. */
    private static JsonObject only(JsonObject blocks, String type, String name) {
        JsonObject byName = blocks.getAsJsonObject(type);
        assertNotNull(byName, "no " + type + " in " + blocks.keySet());
        JsonArray bodies = byName.getAsJsonArray(name);
        assertNotNull(bodies, "no " + type + "." + name);
        assertEquals(1, bodies.size(), type + "." + name + " is declared more than once");
        return bodies.get(0).getAsJsonObject();
    }

    private static Set<String> strings(JsonArray a) {
        Set<String> out = new TreeSet<>();
        a.forEach(e -> out.add(e.getAsString()));
        return out;
    }

    private static String unquote(String s) {
        assertNotNull(s);
        return s.substring(1, s.length() - 1);
    }

    /**
     * The cross-AZ stack's precondition, {@code cidrhost(var.vpc_cidr, 0) != cidrhost("${var.overlay_ip}/${prefix of
     * vpc_cidr}", 0)}: the overlay IP's network under the VPC's prefix length is not the VPC's network.
     */
    private static boolean outsideVpc(String vpcCidr, String overlayIp) {
        String[] v = vpcCidr.split("/");
        int prefix = Integer.parseInt(v[1]);
        return network(v[0], prefix) != network(overlayIp, prefix);
    }

    private static long network(String ipv4, int prefix) {
        byte[] b = java.net.InetAddress.ofLiteral(ipv4).getAddress();
        long ip = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
        return prefix == 0 ? 0 : ip & (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    }

    /** Each {@code floating_ip { key value ... }} block of an instance in {@link FloatdConfig#dump()}, in order. */
    private static List<Map<String, String>> floatingIpBlocks(String dump) {
        List<Map<String, String>> blocks = new ArrayList<>();
        Map<String, String> block = null;
        for (String line : dump.split("\n")) {
            String t = line.strip();
            if (t.equals("floating_ip {")) {
                block = new LinkedHashMap<>();
            } else if (block != null && t.equals("}")) {
                blocks.add(block);
                block = null;
            } else if (block != null) {
                String[] kv = t.split(" ", 2);
                String value = kv[1].startsWith("\"") && kv[1].endsWith("\"") ? kv[1].substring(1, kv[1].length() - 1) : kv[1];
                block.put(kv[0], value);
            }
        }
        return blocks;
    }

    private JsonObject lint(String stack) throws Exception {
        Result r = node("hcl-lint.js", TF.resolve(stack).toString());
        assertEquals(0, r.exit, "terraform-test/" + stack + " fails the offline HCL lint:\n" + r.out);
        JsonObject o = JsonParser.parseString(r.out).getAsJsonObject();
        assertEquals(0, o.getAsJsonArray("errors").size(), o.getAsJsonArray("errors").toString());
        return o;
    }

    private static void assertOutputs(JsonObject lint, String ipResource, String nodes) {
        JsonObject outputs = lint.getAsJsonObject("outputs");
        assertTrue(has(outputs.getAsJsonObject("public_ip").getAsJsonArray("refs"), ipResource), outputs.toString());
        for (String o : List.of("node_public_ips", "node_private_ips")) {
            assertTrue(has(outputs.getAsJsonObject(o).getAsJsonArray("refs"), nodes), o + ": " + outputs);
        }
    }

    private static boolean has(JsonArray a, String s) {
        for (JsonElement e : a) {
            if (e.getAsString().equals(s)) {
                return true;
            }
        }
        return false;
    }

    private String defaultOf(String stack, String variable) throws IOException {
        Matcher m = Pattern.compile("variable \"" + variable + "\" \\{[^}]*?default\\s*=\\s*(\"[^\"]*\")", Pattern.DOTALL)
                .matcher(Files.readString(TF.resolve(stack).resolve("variables.tf")));
        return m.find() ? m.group(1) : null;
    }

    /**
     * The error message of the first validation of {@code variable} that refuses {@code value}, or null when all
     * accept it. Evaluates the condition forms the stacks use: {@code [!]can(regex("RE", var.X))} (RE2 and Java agree
     * on these patterns) and {@code can(cidrhost(var.X, 0))}; any other form fails the test.
     */
    private static String refusal(JsonObject variables, String variable, String value) {
        JsonArray validations = variables.getAsJsonObject(variable).getAsJsonArray("validations");
        assertFalse(validations.isEmpty(), variable + " has no validation");
        Pattern regexForm = Pattern.compile("(!?)can\\(regex\\(\"((?:[^\"\\\\]|\\\\.)*)\", var\\." + variable + "\\)\\)");
        Pattern cidrForm = Pattern.compile("can\\(cidrhost\\(var\\." + variable + ", 0\\)\\)");
        for (JsonElement e : validations) {
            String condition = e.getAsJsonObject().get("condition").getAsString().trim();
            String message = e.getAsJsonObject().get("error_message").getAsString();
            boolean ok;
            Matcher m = regexForm.matcher(condition);
            if (m.matches()) {
                String re = m.group(2).replace("\\\\", "\\").replace("\\\"", "\"");
                ok = Pattern.compile(re).matcher(value).find() != m.group(1).equals("!");
            } else if (cidrForm.matcher(condition).matches()) {
                ok = isCidr(value);
            } else {
                throw new AssertionError(variable + ": the test cannot evaluate the condition " + condition);
            }
            if (!ok) {
                return message;
            }
        }
        return null;
    }

    private static boolean isCidr(String s) {
        Matcher m = Pattern.compile("([0-9.]+|[0-9a-fA-F:]+)/(\\d+)").matcher(s);
        if (!m.matches()) {
            return false;
        }
        try {
            byte[] addr = java.net.InetAddress.ofLiteral(m.group(1)).getAddress();
            return Integer.parseInt(m.group(2)) <= addr.length * 8;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A {@code templatefile("${path.module}/PATH", { key = ..., ... })} call in a stack's .tf files. */
    record Call(String template, Set<String> keys) {}

    private static List<Call> templatefileCalls(String stack) throws IOException {
        List<Call> calls = new ArrayList<>();
        Pattern start = Pattern.compile("templatefile\\(\"\\$\\{path\\.module\\}/([^\"]+)\",\\s*\\{");
        try (var files = Files.list(TF.resolve(stack))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".tf")).sorted().toList()) {
                String src = Files.readString(f);
                Matcher m = start.matcher(src);
                while (m.find()) {
                    calls.add(new Call(m.group(1), topLevelKeys(src, m.end())));
                }
            }
        }
        return calls;
    }

    /** The keys of the HCL object literal whose body starts at {@code from} (just after its opening brace). */
    private static Set<String> topLevelKeys(String src, int from) {
        Set<String> keys = new TreeSet<>();
        int depth = 0;
        boolean inString = false;
        boolean lineStart = true;
        for (int i = from; i < src.length(); i++) {
            char ch = src.charAt(i);
            if (inString) {
                if (ch == '\\') {
                    i++;
                } else if (ch == '"') {
                    inString = false;
                }
                continue;
            }
            if (depth == 0 && lineStart) {
                Matcher k = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=(?!=)").matcher(src).region(i, src.length());
                if (k.lookingAt()) {
                    keys.add(k.group(1));
                }
            }
            lineStart = ch == '\n' || ch == ',';
            switch (ch) {
                case '"' -> inString = true;
                case '{', '(', '[' -> depth++;
                case ')', ']' -> depth--;
                case '}' -> {
                    if (depth == 0) {
                        return keys;
                    }
                    depth--;
                }
                default -> { }
            }
        }
        throw new AssertionError("unterminated templatefile() object");
    }

    private static Call call(List<Call> calls, String template) {
        return calls.stream().filter(c -> c.template.equals(template)).findFirst()
                .orElseThrow(() -> new AssertionError("no templatefile() call renders " + template + ": " + calls));
    }

    /** Renders a stack's template with {@code values}, whose names must be exactly the call's and the template's. */
    private static String render(String stack, Call call, Map<String, String> values) throws IOException {
        assertEquals(call.keys, new TreeSet<>(values.keySet()),
                "the test's values for " + call.template + " are not the names the .tf passes");
        Set<String> used = new LinkedHashSet<>();
        String text = Template.render(Files.readString(TF.resolve(stack).resolve(call.template)), values, used);
        assertEquals(call.keys, new TreeSet<>(used), stack + "/" + call.template + " uses other names than its templatefile() call passes");
        return text;
    }

    /** The subset of Terraform's template language the templates may use: {@code ${name}}, {@code $${} and {@code %%{}. */
    static final class Template {
        private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

        static String render(String template, Map<String, String> values, Set<String> used) {
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < template.length()) {
                if (template.startsWith("$${", i) || template.startsWith("%%{", i)) {
                    out.append(template.charAt(i)).append('{');
                    i += 3;
                } else if (template.startsWith("%{", i)) {
                    throw new IllegalArgumentException("template directives (%{ ... }) are not supported, at " + i);
                } else if (template.startsWith("${", i)) {
                    int end = template.indexOf('}', i);
                    if (end < 0) {
                        throw new IllegalArgumentException("unterminated ${ at " + i);
                    }
                    String name = template.substring(i + 2, end).trim();
                    if (!IDENT.matcher(name).matches()) {
                        throw new IllegalArgumentException("only ${name} is supported, not ${" + name + "}");
                    }
                    String v = values.get(name);
                    if (v == null) {
                        throw new IllegalArgumentException("no value for ${" + name + "}");
                    }
                    used.add(name);
                    out.append(v);
                    i = end + 1;
                } else {
                    out.append(template.charAt(i++));
                }
            }
            return out.toString();
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(JsonObject writeFile) {
        assertEquals("b64", writeFile.get("encoding").getAsString());
        return new String(Base64.getDecoder().decode(writeFile.get("content").getAsString()), StandardCharsets.UTF_8);
    }

    record Check(int exit, String out) {}

    /** The real {@code floatd check --syntax-only -f FILE}, in process. */
    private static Check check(Path file) {
        StringWriter out = new StringWriter();
        var cl = FloatdCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        // the rendered file is for the machine Terraform creates, not this one: its syntax, not this host's interfaces
        int exit = cl.execute("check", "--syntax-only", "-f", file.toString());
        return new Check(exit, out.toString());
    }

    private static InstanceConfig checked(Path file) throws Exception {
        Check c = check(file);
        assertEquals(FloatdCommand.EXIT_OK, c.exit, "floatd check refuses " + file.getFileName() + ":\n" + c.out
                + "\n---\n" + Files.readString(file));
        assertTrue(c.out.contains("valid, 1 instance(s)"), c.out);
        FloatdConfig config = ConfigParser.parse(file);
        return config.instances().get(0);
    }

    record Result(int exit, String out) {}

    private static Result node(String tool, String arg) throws Exception {
        String node = Files.isExecutable(Path.of("/usr/bin/node")) ? "/usr/bin/node" : "node";
        return run(List.of(node, TF.resolve("tools").resolve(tool).toString(), arg),
                Map.of("NODE_PATH", TOOLS.toString()), 120);
    }

    private static Result run(List<String> cmd, Map<String, String> env, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (env != null) {
            pb.environment().putAll(env);
        }
        Path out = Files.createTempFile("tf-test", ".out");
        try {
            Process p = pb.redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(cmd + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
