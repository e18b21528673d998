package io.floatd.provider.digitalocean;

import static io.floatd.provider.digitalocean.DoFixture.RIP;
import static io.floatd.provider.digitalocean.DoFixture.SELF;
import static io.floatd.provider.digitalocean.DoFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatingIpSettings;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.ParseOptions;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.runtime.DaemonOptions;
import io.floatd.vrrp.runtime.ProviderChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The floating_ip block is typed once (issue 18): the parse's provider check keeps what the keyword table made of it
 * in the block, and {@code create} reads that object rather than the words.
 */
class TypedSettingsTest {
    @TempDir
    Path dir;

    private InstanceConfig parse(boolean withProviderCheck) throws Exception {
        Path token = dir.resolve("do-token");
        Files.writeString(token, TOKEN + "\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        String text = """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.110.0.3
                    }
                    floating_ip {
                        provider digitalocean
                        address %s
                        droplet_id %d
                        token_file %s
                    }
                }
                """.formatted(RIP, SELF, token);
        DaemonOptions.ProviderLookup lookup = name -> Optional.of(new DigitalOceanProviderFactory(DoFixture.options(null)));
        ParseOptions options = new ParseOptions("lb1");
        return ConfigParser.parse(text, "k.conf", withProviderCheck
                ? options.withInstanceCheck(ProviderChecks.asInstanceCheck(null, lookup)) : options).instances().getFirst();
    }

    @Test
    void theParsesProviderCheckKeepsTheTypedSettingsInTheBlock() throws Exception {
        FloatingIpSettings block = parse(true).floatingIps().getFirst();
        DoSettings typed = assertInstanceOf(DoSettings.class, block.typed());
        assertEquals(DoSettings.parse(DoFixture.context(block.providerValues(), false)), typed);
        assertEquals(SELF, typed.dropletId());
        assertNull(parse(false).floatingIps().getFirst().typed(), "no provider check, nothing typed");
        assertEquals(parse(false).floatingIps(), parse(true).floatingIps(), "the typed object is not part of equality");
    }

    @Test
    void createReadsTheTypedSettingsNotTheWords() throws Exception {
        try (DoTestEndpoint api = DoFixture.populate(new DoTestEndpoint(TOKEN))) {
            ProviderContext written = DoFixture.context(DoFixture.settings(api), false);
            DoSettings typed = DoSettings.parse(written);
            // the words alone would be refused (no address): only the typed object can make this provider
            ProviderContext wordless = new ProviderContext(written.instanceName(), written.interfaceName(),
                    written.virtualAddresses(), written.localAddress(), written.peers(), Map.of("provider", "digitalocean"),
                    written.attemptTimeout(), written.virtualRoutes(), written.virtualRules(), typed);
            var factory = new DigitalOceanProviderFactory(DoFixture.options());
            try (FloatingIpProvider p = factory.create(wordless)) {
                api.assign(RIP, SELF);
                assertEquals(Holder.self(String.valueOf(SELF)), p.holder());
            }
            ProviderContext untyped = new ProviderContext(written.instanceName(), written.interfaceName(),
                    written.virtualAddresses(), written.localAddress(), written.peers(), Map.of("provider", "digitalocean"),
                    written.attemptTimeout(), written.virtualRoutes(), written.virtualRules(), null);
            assertThrows(ProviderException.class, () -> factory.create(untyped));
        }
    }
}
