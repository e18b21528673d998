package io.floatd.testkit.aws;

import static io.floatd.testkit.aws.Ec2Query.dryRun;
import static io.floatd.testkit.aws.Ec2Query.filters;
import static io.floatd.testkit.aws.Ec2Query.list;
import static io.floatd.testkit.aws.Ec2Query.response;

import io.floatd.testkit.aws.Ec2Store.Eni;
import java.util.List;
import java.util.Map;

/**
 * Network interfaces, their private IPv4 addresses and the instances they are attached to:
 * DescribeNetworkInterfaces, AssignPrivateIpAddresses, UnassignPrivateIpAddresses, DescribeInstances,
 * DescribeNetworkInterfaceAttribute ({@code sourceDestCheck}). Called under the store's lock.
 */
final class Ec2InterfaceActions {
    private final Ec2Store s;

    Ec2InterfaceActions(Ec2Store store) {
        this.s = store;
    }

    String describeNetworkInterfaces(Map<String, String> p) throws Ec2Error {
        List<Eni> found = Ec2Store.named(s.enis, list(p, "NetworkInterfaceId"), id -> new Ec2Error(
                "InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '" + id + "' does not exist"));
        for (Map.Entry<String, List<String>> f : filters(p).entrySet()) {
            List<String> values = f.getValue();
            switch (f.getKey()) {
                case "addresses.private-ip-address" ->
                        found.removeIf(e -> values.stream().noneMatch(e::has));
                case "private-ip-address" -> found.removeIf(e -> !values.contains(e.primaryIp));
                case "vpc-id" -> found.removeIf(e -> !values.contains(e.vpcId));
                case "attachment.instance-id" -> found.removeIf(e -> !values.contains(e.instanceId));
                case "ipv6-addresses.ipv6-address" -> found.removeIf(e -> values.stream().noneMatch(e.ipv6::contains));
                default -> throw new Ec2Error("InvalidParameterValue", "The filter '" + f.getKey() + "' is invalid");
            }
        }
        StringBuilder items = new StringBuilder();
        for (Eni e : found) {
            items.append("<item>").append(eniXml(e, true)).append("</item>");
        }
        return response("DescribeNetworkInterfaces", "<networkInterfaceSet>" + items + "</networkInterfaceSet>");
    }

    /** A NetworkInterface; {@code full} for DescribeNetworkInterfaces, else the shorter form inside an instance. */
    private static String eniXml(Eni e, boolean full) {
        StringBuilder x = new StringBuilder();
        x.append("<networkInterfaceId>").append(e.id).append("</networkInterfaceId>")
                .append("<subnetId>").append(e.subnetId).append("</subnetId>")
                .append("<vpcId>").append(e.vpcId).append("</vpcId>");
        if (full) {
            x.append("<availabilityZone>eu-west-1a</availabilityZone><description/>")
                    .append("<ownerId>123456789012</ownerId><requesterManaged>false</requesterManaged>")
                    .append("<status>in-use</status>");
        }
        x.append("<macAddress>02:00:00:00:00:").append(String.format("%02x", Math.abs(e.id.hashCode()) % 256))
                .append("</macAddress>")
                .append("<privateIpAddress>").append(e.primaryIp).append("</privateIpAddress>")
                .append("<sourceDestCheck>").append(e.sourceDestCheck).append("</sourceDestCheck><groupSet/>");
        if (e.instanceId != null) {
            x.append("<attachment><attachmentId>eni-attach-").append(e.id.substring(4)).append("</attachmentId>");
            if (full) {
                x.append("<instanceId>").append(e.instanceId).append("</instanceId>")
                        .append("<instanceOwnerId>123456789012</instanceOwnerId>");
            }
            x.append("<deviceIndex>").append(e.deviceIndex).append("</deviceIndex>")
                    .append("<status>attached</status><attachTime>2025-01-01T00:00:00.000Z</attachTime>")
                    .append("<deleteOnTermination>true</deleteOnTermination></attachment>");
        }
        if (full) {
            x.append("<tagSet/>");
        }
        x.append("<privateIpAddressesSet>")
                .append("<item><privateIpAddress>").append(e.primaryIp).append("</privateIpAddress>")
                .append("<primary>true</primary></item>");
        for (String ip : e.secondary) {
            x.append("<item><privateIpAddress>").append(ip).append("</privateIpAddress>")
                    .append("<primary>false</primary></item>");
        }
        x.append("</privateIpAddressesSet>");
        x.append(ipv6Xml(e));
        if (full) {
            x.append("<interfaceType>interface</interfaceType>");
        }
        return x.toString();
    }

    private static String ipv6Xml(Eni e) {
        StringBuilder x = new StringBuilder("<ipv6AddressesSet>");
        for (String a : e.ipv6) {
            x.append("<item><ipv6Address>").append(a).append("</ipv6Address><isPrimaryIpv6>false</isPrimaryIpv6></item>");
        }
        return x.append("</ipv6AddressesSet>").toString();
    }

    String assignPrivateIpAddresses(Map<String, String> p) throws Ec2Error {
        Eni eni = s.requireEni(p.get("NetworkInterfaceId"));
        List<String> ips = list(p, "PrivateIpAddress");
        if (ips.isEmpty()) {
            throw new Ec2Error("MissingParameter", "PrivateIpAddress or SecondaryPrivateIpAddressCount is required");
        }
        for (String ip : ips) {
            for (Eni other : s.enis.values()) {
                if (other != eni && other.primaryIp.equals(ip)) {
                    throw new Ec2Error("InvalidParameterValue", "Address " + ip + " is the primary address of "
                            + other.id);
                }
                if (other != eni && other.secondary.contains(ip) && !"true".equals(p.get("AllowReassignment"))) {
                    throw new Ec2Error("InvalidParameterValue", "Address " + ip + " is in use.");
                }
            }
        }
        StringBuilder items = new StringBuilder();
        for (String ip : ips) {
            s.enis.values().forEach(other -> other.secondary.remove(ip));
            if (!eni.has(ip)) {
                eni.secondary.add(ip);
            }
            items.append("<item><privateIpAddress>").append(ip).append("</privateIpAddress></item>");
        }
        return response("AssignPrivateIpAddresses", "<networkInterfaceId>" + eni.id + "</networkInterfaceId>"
                + "<assignedPrivateIpAddressesSet>" + items + "</assignedPrivateIpAddressesSet><return>true</return>");
    }

    String unassignPrivateIpAddresses(Map<String, String> p) throws Ec2Error {
        Eni eni = s.requireEni(p.get("NetworkInterfaceId"));
        List<String> ips = list(p, "PrivateIpAddress");
        if (!eni.secondary.containsAll(ips)) {
            throw new Ec2Error("InvalidParameterValue",
                    "Some of the specified addresses are not assigned to interface " + eni.id);
        }
        eni.secondary.removeAll(ips);
        return response("UnassignPrivateIpAddresses", "<return>true</return>");
    }

    String describeInstances(Map<String, String> p) throws Ec2Error {
        StringBuilder reservations = new StringBuilder();
        for (String id : list(p, "InstanceId")) {
            List<Eni> own = s.enis.values().stream().filter(e -> id.equals(e.instanceId)).toList();
            if (own.isEmpty()) {
                throw new Ec2Error("InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
            }
            Eni primary = own.stream().filter(e -> e.deviceIndex == 0).findFirst().orElse(own.getFirst());
            StringBuilder nis = new StringBuilder();
            for (Eni e : own) {
                nis.append("<item>").append(eniXml(e, false)).append("</item>");
            }
            reservations.append("<item><reservationId>r-0123456789abcdef0</reservationId>")
                    .append("<ownerId>123456789012</ownerId><groupSet/><instancesSet><item>")
                    .append("<instanceId>").append(id).append("</instanceId>")
                    .append("<imageId>ami-0123456789abcdef0</imageId>")
                    .append("<instanceState><code>16</code><name>running</name></instanceState>")
                    .append("<privateIpAddress>").append(primary.primaryIp).append("</privateIpAddress>")
                    .append("<vpcId>").append(primary.vpcId).append("</vpcId>")
                    .append("<networkInterfaceSet>").append(nis).append("</networkInterfaceSet>")
                    .append("</item></instancesSet></item>");
        }
        return response("DescribeInstances", "<reservationSet>" + reservations + "</reservationSet>");
    }

    String describeNetworkInterfaceAttribute(Map<String, String> p) throws Ec2Error {
        Eni eni = s.requireEni(p.get("NetworkInterfaceId"));
        String attribute = p.get("Attribute");
        if (attribute == null) {
            throw new Ec2Error("MissingParameter", "The request must contain the parameter attribute");
        }
        dryRun(p);
        if (!attribute.equals("sourceDestCheck")) {
            throw new Ec2Error("InvalidParameterValue", "Value (" + attribute + ") for parameter attribute is "
                    + "not supported by this endpoint");
        }
        return response("DescribeNetworkInterfaceAttribute", "<networkInterfaceId>" + eni.id + "</networkInterfaceId>"
                + "<sourceDestCheck><value>" + eni.sourceDestCheck + "</value></sourceDestCheck>");
    }
}
