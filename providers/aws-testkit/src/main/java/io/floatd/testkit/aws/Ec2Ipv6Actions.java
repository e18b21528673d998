package io.floatd.testkit.aws;

import static io.floatd.testkit.aws.Ec2Query.list;
import static io.floatd.testkit.aws.Ec2Query.response;
import static io.floatd.testkit.aws.Ec2Store.canonicalIpv6;

import io.floatd.testkit.aws.Ec2Store.Eni;
import io.floatd.testkit.aws.Ec2Store.Subnet;
import io.floatd.testkit.aws.Ec2TestEndpoint.Ipv6Change;
import io.floatd.vrrp.provider.Ipv6Text;
import java.util.List;
import java.util.Map;

/**
 * IPv6 secondary addresses and subnets (issue 16): AssignIpv6Addresses, UnassignIpv6Addresses, DescribeSubnets.
 * Called under the store's lock.
 *
 * <p>Validated against the EC2 API Reference (API version 2016-11-15): AssignIpv6Addresses (NetworkInterfaceId,
 * Ipv6Addresses.N or Ipv6AddressCount; answers assignedIpv6Addresses, "the new IPv6 addresses assigned to the
 * network interface. Existing IPv6 addresses that were assigned to the network interface before the request are
 * not included", and networkInterfaceId), UnassignIpv6Addresses (NetworkInterfaceId, Ipv6Addresses.N; answers
 * unassignedIpv6Addresses and networkInterfaceId), neither of which takes DryRun; DescribeNetworkInterfaces'
 * filter ipv6-addresses.ipv6-address and the ipv6AddressesSet (items of ipv6Address, isPrimaryIpv6) of a
 * NetworkInterface; DescribeSubnets (SubnetId.N; subnetSet items with ipv6CidrBlockAssociationSet of
 * ipv6CidrBlock, associationId, ipv6CidrBlockState/state); "Error codes for the Amazon EC2 API":
 * InvalidNetworkInterfaceID.NotFound, InvalidSubnetID.NotFound, InvalidIPAddress.InUse ("The specified IP address
 * is already in use"), InvalidParameterValue, MissingParameter, UnauthorizedOperation (403, Fault.unauthorized),
 * RequestLimitExceeded (Fault.throttle). The element names are the ones the AWS SDK for Java 2.x reads. Which
 * code EC2 gives an address outside the subnet's IPv6 CIDR, or an unassign of an address the interface does not
 * have, is not written down per action: both are the general InvalidParameterValue here, with a message in the
 * style of the IPv4 actions' (the provider does not depend on either message).
 */
final class Ec2Ipv6Actions {
    private final Ec2Store s;

    Ec2Ipv6Actions(Ec2Store store) {
        this.s = store;
    }

    String assignIpv6Addresses(Map<String, String> p, long at) throws Ec2Error {
        Eni eni = s.requireEni(p.get("NetworkInterfaceId"));
        List<String> wanted = list(p, "Ipv6Addresses");
        if (wanted.isEmpty()) {
            throw new Ec2Error("MissingParameter", "Either ipv6AddressCount or ipv6Addresses must be specified");
        }
        Subnet subnet = s.subnets.get(eni.subnetId);
        for (String raw : wanted) {
            String a = canonicalIpv6(raw);
            if (subnet == null || subnet.ipv6Cidrs().stream().noneMatch(c -> Ipv6Text.inCidr(a, c))) {
                throw new Ec2Error("InvalidParameterValue", "Address " + raw + " is not in subnet " + eni.subnetId
                        + "'s IPv6 CIDR block range");
            }
            for (Eni other : s.enis.values()) {
                if (other != eni && other.ipv6.contains(a)) {
                    throw new Ec2Error("InvalidIPAddress.InUse", "Address " + raw + " is in use.");
                }
            }
        }
        StringBuilder items = new StringBuilder();
        for (String raw : wanted) {
            String a = canonicalIpv6(raw);
            if (!eni.ipv6.contains(a)) {
                eni.ipv6.add(a);
                s.ipv6Changes.add(new Ipv6Change(a, eni.id, true, at));
                items.append("<item>").append(a).append("</item>");
            }
        }
        return response("AssignIpv6Addresses", "<assignedIpv6Addresses>" + items + "</assignedIpv6Addresses>"
                + "<networkInterfaceId>" + eni.id + "</networkInterfaceId>");
    }

    String unassignIpv6Addresses(Map<String, String> p, long at) throws Ec2Error {
        Eni eni = s.requireEni(p.get("NetworkInterfaceId"));
        List<String> wanted = list(p, "Ipv6Addresses").stream().map(Ec2Store::canonicalIpv6).toList();
        if (!eni.ipv6.containsAll(wanted)) {
            throw new Ec2Error("InvalidParameterValue",
                    "Some of the specified addresses are not assigned to interface " + eni.id);
        }
        StringBuilder items = new StringBuilder();
        for (String a : wanted) {
            eni.ipv6.remove(a);
            s.ipv6Changes.add(new Ipv6Change(a, eni.id, false, at));
            items.append("<item>").append(a).append("</item>");
        }
        Runnable hook = s.afterNextIpv6Unassign;
        s.afterNextIpv6Unassign = null;
        if (hook != null) {
            hook.run();
        }
        return response("UnassignIpv6Addresses", "<networkInterfaceId>" + eni.id + "</networkInterfaceId>"
                + "<unassignedIpv6Addresses>" + items + "</unassignedIpv6Addresses>");
    }

    String describeSubnets(Map<String, String> p) throws Ec2Error {
        List<Subnet> found = Ec2Store.named(s.subnets, list(p, "SubnetId"),
                id -> new Ec2Error("InvalidSubnetID.NotFound", "The subnet ID '" + id + "' does not exist"));
        StringBuilder items = new StringBuilder();
        for (Subnet sn : found) {
            items.append("<item><subnetId>").append(sn.id()).append("</subnetId>")
                    .append("<subnetArn>arn:aws:ec2:eu-west-1:123456789012:subnet/").append(sn.id()).append("</subnetArn>")
                    .append("<state>available</state><ownerId>123456789012</ownerId>")
                    .append("<vpcId>").append(sn.vpcId()).append("</vpcId>")
                    .append("<cidrBlock>").append(sn.cidrBlock()).append("</cidrBlock>")
                    .append("<ipv6CidrBlockAssociationSet>");
            int n = 0;
            for (String c : sn.ipv6Cidrs()) {
                items.append("<item><ipv6CidrBlock>").append(c).append("</ipv6CidrBlock>")
                        .append("<associationId>subnet-cidr-assoc-").append(String.format("%017x", ++n))
                        .append("</associationId><ipv6CidrBlockState><state>associated</state></ipv6CidrBlockState>")
                        .append("<ipSource>amazon</ipSource><ipv6AddressAttribute>public</ipv6AddressAttribute></item>");
            }
            items.append("</ipv6CidrBlockAssociationSet>")
                    .append("<availableIpAddressCount>250</availableIpAddressCount>")
                    .append("<availabilityZone>eu-west-1a</availabilityZone><availabilityZoneId>euw1-az1</availabilityZoneId>")
                    .append("<defaultForAz>false</defaultForAz><mapPublicIpOnLaunch>false</mapPublicIpOnLaunch>")
                    .append("<assignIpv6AddressOnCreation>false</assignIpv6AddressOnCreation>")
                    .append("<ipv6Native>false</ipv6Native><tagSet/></item>");
        }
        return response("DescribeSubnets", "<subnetSet>" + items + "</subnetSet>");
    }
}
