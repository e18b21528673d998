package io.floatd.testkit.aws;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The EC2 Query API's formats, as the SDK sends and reads them: a form-encoded body in, indexed parameters
 * ({@code AllocationId.1}, {@code Filter.1.Value.1}), an {@code ActionResponse} document or EC2's error document out.
 */
final class Ec2Query {
    private Ec2Query() {
    }

    /** The form parameters of a request body, in order. */
    static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    /** {@code Prefix.1}, {@code Prefix.2}, ... in order. */
    static List<String> list(Map<String, String> p, String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 1; p.containsKey(prefix + "." + i); i++) {
            out.add(p.get(prefix + "." + i));
        }
        return out;
    }

    /** {@code Filter.N.Name} to its {@code Filter.N.Value.M} values. */
    static Map<String, List<String>> filters(Map<String, String> p) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 1; p.containsKey("Filter." + i + ".Name"); i++) {
            out.put(p.get("Filter." + i + ".Name"), list(p, "Filter." + i + ".Value"));
        }
        return out;
    }

    /** After the checks, before any change: what EC2 answers to a permitted DryRun. */
    static void dryRun(Map<String, String> p) throws Ec2Error {
        if ("true".equals(p.get("DryRun"))) {
            throw new Ec2Error("DryRunOperation", 412, "Request would have succeeded, but DryRun flag is set.");
        }
    }

    static String response(String action, String inner) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + Ec2TestEndpoint.NS + "\">"
                + "<requestId>" + UUID.randomUUID() + "</requestId>" + inner + "</" + action + "Response>";
    }

    static String error(String code, String message) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code + "</Code><Message>"
                + message.replace("&", "&amp;").replace("<", "&lt;") + "</Message></Error></Errors><RequestID>"
                + UUID.randomUUID() + "</RequestID></Response>";
    }
}
