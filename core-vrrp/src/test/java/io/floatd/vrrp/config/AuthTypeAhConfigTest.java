package io.floatd.vrrp.config;

import io.floatd.vrrp.codec.AuthType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code authentication { auth_type AH }} as keepalived 2.2.7 takes it (its verdicts from {@code keepalived -t} in a
 * namespace with the interface): accepted for VRRPv2; {@code auth_pass} cut to 8 characters with a warning; an
 * initial {@code state MASTER} cleared to BACKUP with a warning unless priority 255; ignored-with-an-error in
 * VRRPv3 (floatd: as for any authentication in VRRPv3).
 */
class AuthTypeAhConfigTest {
    private static String instance(String state, String priority, String pass) {
        return """
                vrrp_instance VI_1 {
                    interface eth0
                    state %s
                    virtual_router_id 51
                    priority %s
                    unicast_peer {
                        10.0.0.2
                    }
                    authentication {
                        auth_type AH
                        auth_pass %s
                    }
                    virtual_ipaddress { 10.0.0.100 }
                }
                """.formatted(state, priority, pass);
    }

    private static List<String> warnings(FloatdConfig c) {
        return c.warnings().stream().map(ConfigError::toString).toList();
    }

    @Test
    void authTypeAhIsAcceptedWithItsPassword() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("BACKUP", "100", "s3cret"), "k.conf");
        InstanceConfig i = c.instances().getFirst();
        assertEquals(AuthType.AH, i.authentication().type());
        assertEquals("s3cret", i.authentication().password().reveal());
        assertEquals(InitialState.BACKUP, i.initialState());
        assertEquals(List.of(), warnings(c));
    }

    @Test
    void aLongAuthPassIsCutToEightCharactersAsKeepalivedDoes() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("BACKUP", "100", "k8sPassw0rdLong"), "k.conf");
        assertEquals("k8sPassw", c.instances().getFirst().authentication().password().reveal());
        assertEquals(List.of("k.conf:11: vrrp_instance VI_1: auth_pass is longer than 8 characters; only the first 8 are"
                + " used, as in keepalived"), warnings(c));
    }

    @Test
    void anInitialMasterStartsAsBackupWithAWarning() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("MASTER", "150", "s3cret"), "k.conf");
        assertEquals(InitialState.BACKUP, c.instances().getFirst().initialState());
        assertEquals(List.of("k.conf:10: vrrp_instance VI_1: " + AhRules.INITIAL_MASTER), warnings(c));
    }

    @Test
    void theAddressOwnerKeepsItsInitialMaster() throws Exception {
        FloatdConfig c = ConfigParser.parse(instance("MASTER", "255", "s3cret"), "k.conf");
        assertEquals(InitialState.MASTER, c.instances().getFirst().initialState());
        assertEquals(List.of(), warnings(c));
    }

    @Test
    void ahInVersion3IsIgnoredWithAWarningLikeAnyAuthenticationInVersion3() throws ConfigException {
        String text = instance("BACKUP", "100", "s3cret").replace("    priority 100\n", "    priority 100\n    version 3\n");
        FloatdConfig c = ConfigParser.parse(text, "k.conf");
        assertEquals(1, c.warnings().size(), c.warnings().toString());
        assertEquals(10, c.warnings().getFirst().line(), c.warnings().toString());
        assertEquals(null, c.instances().getFirst().authentication());
    }
}
