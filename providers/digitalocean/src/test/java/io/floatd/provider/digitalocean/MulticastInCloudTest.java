package io.floatd.provider.digitalocean;

import static io.floatd.provider.digitalocean.DoFixture.RIP;
import static io.floatd.provider.digitalocean.DoFixture.SELF;
import static io.floatd.provider.digitalocean.DoFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.runtime.DaemonOptions;
import io.floatd.vrrp.runtime.VrrpDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A DigitalOcean VPC drops multicast: an instance without unicast_peer is refused at its floating_ip block. */
class MulticastInCloudTest {
    @TempDir
    Path dir;

    private List<String> check(String peers, String extra) throws Exception {
        Path token = dir.resolve("do-token");
        Files.writeString(token, TOKEN + "\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        String text = """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    %s
                    floating_ip {
                        provider digitalocean
                        address %s
                        droplet_id %d
                        token_file %s
                        %s
                    }
                }
                """.formatted(peers, RIP, SELF, token, extra);
        FloatdConfig config = ConfigParser.parse(text, "k.conf");
        DaemonOptions.ProviderLookup lookup = name -> Optional.of(new DigitalOceanProviderFactory(DoFixture.options(null)));
        return VrrpDaemon.checkProviders(config, null, lookup);
    }

    @Test
    void theDigitalOceanNetworkCarriesNoMulticast() {
        assertFalse(new DigitalOceanProviderFactory(DoFixture.options(null)).carriesMulticast());
    }

    @Test
    void anInstanceWithoutUnicastPeerIsRefusedWithTheReason() throws Exception {
        assertEquals(List.of("k.conf:5: vrrp_instance VI_1: no unicast_peer, so VRRP would run over multicast (224.0.0.18),"
                        + " but provider 'digitalocean' runs on a cloud network that drops multicast: both nodes would become"
                        + " MASTER. List the other node in unicast_peer { }, or set 'allow_multicast yes' in floating_ip if"
                        + " this network does carry multicast"),
                check("", ""));
    }

    @Test
    void unicastPeersOrAllowMulticastPass() throws Exception {
        assertEquals(List.of(), check("unicast_peer {\n 10.0.0.2\n }", ""));
        assertEquals(List.of(), check("", "allow_multicast yes"));
    }
}
