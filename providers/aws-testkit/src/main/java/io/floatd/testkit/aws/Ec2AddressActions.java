package io.floatd.testkit.aws;

import static io.floatd.testkit.aws.Ec2Query.dryRun;
import static io.floatd.testkit.aws.Ec2Query.list;
import static io.floatd.testkit.aws.Ec2Query.response;

import io.floatd.testkit.aws.Ec2Store.Addr;
import io.floatd.testkit.aws.Ec2Store.Eni;
import io.floatd.testkit.aws.Ec2TestEndpoint.Association;
import io.floatd.testkit.aws.Ec2TestEndpoint.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Elastic IPs: DescribeAddresses, AssociateAddress, DisassociateAddress. Called under the store's lock. */
final class Ec2AddressActions {
    private final Ec2Store s;

    Ec2AddressActions(Ec2Store store) {
        this.s = store;
    }

    String describeAddresses(Map<String, String> p) throws Ec2Error {
        List<Addr> found = new ArrayList<>();
        List<String> allocs = list(p, "AllocationId");
        List<String> ips = list(p, "PublicIp");
        for (String a : allocs) {
            Addr addr = s.addresses.get(a);
            if (addr == null) {
                throw new Ec2Error("InvalidAllocationID.NotFound", "The allocation ID '" + a + "' does not exist");
            }
            found.add(addr);
        }
        for (String ip : ips) {
            Addr addr = s.addresses.values().stream().filter(x -> x.publicIp.equals(ip)).findFirst()
                    .orElseThrow(() -> new Ec2Error("InvalidAddress.NotFound", "Address '" + ip + "' not found."));
            found.add(addr);
        }
        if (allocs.isEmpty() && ips.isEmpty()) {
            found.addAll(s.addresses.values());
        }
        StringBuilder items = new StringBuilder();
        for (Addr a : found) {
            items.append("<item><publicIp>").append(a.publicIp).append("</publicIp>")
                    .append("<allocationId>").append(a.allocationId).append("</allocationId>")
                    .append("<domain>vpc</domain>");
            Association as = a.association;
            if (as != null) {
                if (as.instanceId() != null) {
                    items.append("<instanceId>").append(as.instanceId()).append("</instanceId>");
                }
                items.append("<associationId>").append(as.associationId()).append("</associationId>")
                        .append("<networkInterfaceId>").append(as.networkInterfaceId()).append("</networkInterfaceId>")
                        .append("<networkInterfaceOwnerId>123456789012</networkInterfaceOwnerId>")
                        .append("<privateIpAddress>").append(as.privateIp()).append("</privateIpAddress>");
            }
            items.append("<publicIpv4Pool>amazon</publicIpv4Pool><networkBorderGroup>eu-west-1</networkBorderGroup>")
                    .append("</item>");
        }
        return response("DescribeAddresses", "<addressesSet>" + items + "</addressesSet>");
    }

    String associateAddress(Map<String, String> p, long at) throws Ec2Error {
        Addr addr;
        if (p.containsKey("AllocationId")) {
            addr = s.addresses.get(p.get("AllocationId"));
            if (addr == null) {
                throw new Ec2Error("InvalidAllocationID.NotFound",
                        "The allocation ID '" + p.get("AllocationId") + "' does not exist");
            }
        } else {
            throw new Ec2Error("MissingParameter", "Either public IP or allocation id must be specified");
        }
        Eni eni = target(p);
        String privateIp = p.getOrDefault("PrivateIpAddress", eni.primaryIp);
        if (!eni.has(privateIp)) {
            throw new Ec2Error("InvalidParameterValue", "The specified private IP address " + privateIp
                    + " is not assigned to " + eni.id);
        }
        if (addr.association != null && !"true".equals(p.get("AllowReassociation"))) {
            throw new Ec2Error("Resource.AlreadyAssociated", "resource " + addr.allocationId
                    + " is already associated with associationId " + addr.association.associationId());
        }
        dryRun(p);
        String id = s.nextAssociationId();
        addr.association = new Association(id, eni.instanceId, eni.id, privateIp);
        s.changes.add(new Change(addr.allocationId, eni.instanceId, id, at));
        return response("AssociateAddress", "<return>true</return><associationId>" + id + "</associationId>");
    }

    /** The ENI an AssociateAddress names: its NetworkInterfaceId, else its InstanceId's primary ENI. */
    private Eni target(Map<String, String> p) throws Ec2Error {
        if (p.containsKey("NetworkInterfaceId")) {
            Eni eni = s.enis.get(p.get("NetworkInterfaceId"));
            if (eni == null) {
                throw new Ec2Error("InvalidNetworkInterfaceID.NotFound",
                        "The networkInterface ID '" + p.get("NetworkInterfaceId") + "' does not exist");
            }
            return eni;
        }
        if (p.containsKey("InstanceId")) {
            String id = p.get("InstanceId");
            return s.enis.values().stream().filter(e -> id.equals(e.instanceId) && e.deviceIndex == 0).findFirst()
                    .orElseThrow(() -> new Ec2Error("InvalidInstanceID.NotFound",
                            "The instance ID '" + id + "' does not exist"));
        }
        throw new Ec2Error("MissingParameter", "Either instance id or network interface id must be specified");
    }

    String disassociateAddress(Map<String, String> p, long at) throws Ec2Error {
        String id = p.get("AssociationId");
        Addr addr = s.addresses.values().stream()
                .filter(a -> a.association != null && a.association.associationId().equals(id)).findFirst()
                .orElseThrow(() -> new Ec2Error("InvalidAssociationID.NotFound",
                        "The association ID '" + id + "' does not exist"));
        addr.association = null;
        s.changes.add(new Change(addr.allocationId, null, id, at));
        return response("DisassociateAddress", "<return>true</return>");
    }
}
