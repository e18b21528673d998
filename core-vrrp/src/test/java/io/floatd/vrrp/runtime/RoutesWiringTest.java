package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.InstanceConfig;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Routes and rules are this node's: only linux-l2 applies them, and a cloud provider refuses an instance with them. */
class RoutesWiringTest {
    private static InstanceConfig instance(String block) throws Exception {
        return ConfigParser.parse("""
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_src_ip 10.0.0.11
                    unicast_peer {
                        10.0.0.12
                    }
                    virtual_ipaddress {
                        10.0.0.100/24
                    }
                %s}
                """.formatted(block), "k.conf").instances().getFirst();
    }

    @Test
    void aCloudProviderRefusesAnInstanceWithRoutesAtItsLine() throws Exception {
        InstanceConfig ic = instance("    virtual_routes {\n        10.1.0.0/16 via 10.0.0.1 dev eth0\n    }\n");
        Optional<String> p = RoutesWiring.problem(ic, "aws");
        assertTrue(p.isPresent());
        assertTrue(p.get().startsWith("k.conf:1: vrrp_instance VI_1: virtual_routes and virtual_rules are applied by the"
                + " linux-l2 provider only"), p.get());
        assertEquals(Optional.empty(), RoutesWiring.problem(ic, "linux-l2"));
    }

    @Test
    void anInstanceWithoutRoutesOrRulesSuitsEveryProvider() throws Exception {
        assertEquals(Optional.empty(), RoutesWiring.problem(instance(""), "digitalocean"));
    }
}
