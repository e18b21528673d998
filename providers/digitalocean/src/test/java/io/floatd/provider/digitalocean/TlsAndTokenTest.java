package io.floatd.provider.digitalocean;

import io.floatd.vrrp.provider.ApiToken;
import static io.floatd.provider.digitalocean.DoFixture.RIP;
import static io.floatd.provider.digitalocean.DoFixture.SELF;
import static io.floatd.provider.digitalocean.DoFixture.TOKEN;
import static io.floatd.provider.digitalocean.DoFixture.assertClean;
import static io.floatd.provider.digitalocean.DoFixture.create;
import static io.floatd.provider.digitalocean.DoFixture.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.script.RunAs;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.provider.Holder;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.runtime.DaemonOptions;
import io.floatd.vrrp.runtime.VrrpDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The same client over TLS (a self-signed certificate the client is told to trust), and the token file. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsAndTokenTest {
    @TempDir
    Path dir;

    @Test
    void aTakeoverOverTls() throws Exception {
        TestTls tls = TestTls.create(dir);
        try (DoTestEndpoint api = DoFixture.populate(new DoTestEndpoint(TOKEN, tls.server))) {
            assertTrue(api.uri().toString().startsWith("https://127.0.0.1:"));
            try (FloatingIpProvider p = create(DoFixture.options().withSslContext(tls.client), settings(api))) {
                api.resetLog();
                p.acquire();
                assertEquals(3, api.requests().size(), api.calls().toString());
                assertEquals(SELF, api.holder(RIP));
                assertEquals(Holder.self(String.valueOf(SELF)), p.holder());
                assertEquals(1, api.requests().stream().map(DoTestEndpoint.Request::clientPort).distinct().count(),
                        "one TLS connection, kept alive");
            }
        }
    }

    @Test
    void anUntrustedCertificateIsRefused() throws Exception {
        TestTls tls = TestTls.create(dir);
        try (DoTestEndpoint api = DoFixture.populate(new DoTestEndpoint(TOKEN, tls.server));
             FloatingIpProvider p = create(DoFixture.options(), settings(api))) {
            ProviderException e = assertThrows(ProviderException.class, p::holder);
            assertClean(e);
            assertTrue(e.getMessage().contains("TLS with https://127.0.0.1:"), e.getMessage());
            assertTrue(api.requests().isEmpty(), "no request got through");
        }
    }

    @Test
    void aTokenFileOfMode0600IsRead() throws Exception {
        Path f = dir.resolve("do-token");
        Files.writeString(f, TOKEN + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        try (DoTestEndpoint api = DoFixture.populate(new DoTestEndpoint(TOKEN));
             FloatingIpProvider p = create(DoFixture.options(null), settings(api, "token_file", f.toString()))) {
            assertEquals(Holder.nobody(), p.holder());
            assertEquals("Bearer " + TOKEN, api.requests().getFirst().authorization());
        }
    }

    private Path tokenFile(String mode) throws Exception {
        Path f = dir.resolve("do-token");
        Files.writeString(f, TOKEN + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    private static String refusal(Path f, int uid, String mode) {
        return "digitalocean: token_file " + f + ": must be owned by root and not readable or writable by group or "
                + "others (owner uid " + uid + ", mode " + mode + ")";
    }

    @Test
    void aTokenFileReadableByOthersIsRefused() throws Exception {
        Path f = tokenFile("rw-r--r--");
        try (DoTestEndpoint api = DoFixture.populate(new DoTestEndpoint(TOKEN))) {
            ProviderException e = assertThrows(ProviderException.class,
                    () -> create(DoFixture.options(), settings(api, "token_file", f.toString())));
            assertFalse(e.retryable());
            assertClean(e);
            assertEquals(refusal(f, 0, "0644"), e.getMessage());
            assertTrue(api.requests().isEmpty(), "refused before any call");
        }
    }

    @Test
    void aTokenFileOwnedByAnotherUserIsRefused() throws Exception {
        assumeTrue(RunAs.currentUid() == 0, "runs as root, as floatd does");
        Path f = tokenFile("rw-------");
        Files.setAttribute(f, "unix:uid", 65534); // nobody, who could then choose the account floatd acts on
        ProviderException e = assertThrows(ProviderException.class, () -> ApiToken.fromFile(DigitalOceanProviderFactory.NAME, f));
        assertEquals(refusal(f, 65534, "0600"), e.getMessage());
    }

    @Test
    void aTokenFileBehindASymlinkIsRefused() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("token-link"), tokenFile("rw-------"));
        ProviderException e = assertThrows(ProviderException.class, () -> ApiToken.fromFile(DigitalOceanProviderFactory.NAME, link));
        assertEquals("digitalocean: token_file " + link + ": is a symbolic link; name the file itself (floatd reads no "
                + "secret through a link)", e.getMessage());
    }

    @Test
    void aMissingTokenFileIsOneLine() {
        ProviderException e = assertThrows(ProviderException.class,
                () -> ApiToken.fromFile(DigitalOceanProviderFactory.NAME, dir.resolve("nope")));
        assertEquals("digitalocean: token_file " + dir.resolve("nope") + ": does not exist", e.getMessage());
    }

    @Test
    void floatdCheckReportsATokenFileOthersCanReadWithFileAndLine() throws Exception {
        Path f = tokenFile("rw-------");
        String text = """
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                    floating_ip {
                        provider digitalocean
                        address %s
                        droplet_id %d
                        token_file %s
                    }
                }
                """.formatted(RIP, SELF, f);
        FloatdConfig config = ConfigParser.parse(text, "k.conf");
        DaemonOptions.ProviderLookup lookup = name -> Optional.of(new DigitalOceanProviderFactory(DoFixture.options(null)));
        assertEquals(List.of(), VrrpDaemon.checkProviders(config, null, lookup));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        assertEquals(List.of("k.conf:7: vrrp_instance VI_1: " + refusal(f, 0, "0640")),
                VrrpDaemon.checkProviders(config, null, lookup));
    }

    @Test
    void theTokenIsNeverInToString() throws Exception {
        ApiToken t = ApiToken.of(DigitalOceanProviderFactory.NAME, TOKEN, DigitalOceanProviderFactory.TOKEN_ENV);
        assertFalse(t.toString().contains(TOKEN));
        assertEquals("x [token] y", t.scrub("x " + TOKEN + " y"));
    }

    @Test
    void settingsAreChecked() {
        List<String[]> bad = List.of(
                new String[] {"region", "nyc3", "unknown key 'region'"},
                new String[] {"address", "not-an-ip", "address must be a reserved IPv4 or IPv6 address"},
                new String[] {"droplet_id", "abc", "droplet_id must be a droplet's numeric id"},
                new String[] {"api_paths", "v1", "api_paths must be reserved_ips or floating_ips"},
                new String[] {"api_url", "ftp://x", "api_url must be an http:// or https:// base URL"},
                new String[] {"token_file", "relative/token", "token_file must be an absolute path"});
        for (String[] b : bad) {
            Map<String, String> s = new java.util.HashMap<>(Map.of("provider", "digitalocean", "address", RIP));
            s.put(b[0], b[1]);
            ProviderException e = assertThrows(ProviderException.class, () -> DoSettings.parse(s, List.of()));
            assertFalse(e.retryable());
            assertTrue(e.getMessage().startsWith("digitalocean: floating_ip ") && e.getMessage().contains(b[2]),
                    e.getMessage());
        }
        ProviderException e = assertThrows(ProviderException.class,
                () -> DoSettings.parse(Map.of("provider", "digitalocean"), List.of()));
        assertTrue(e.getMessage().contains("address is required"), e.getMessage());
    }

    @Test
    void theSingleIpv4VirtualAddressIsTheDefaultAddress() throws Exception {
        DoSettings s = DoSettings.parse(Map.of("provider", "digitalocean"),
                List.of(io.floatd.vrrp.config.VirtualAddress.of(DoFixture.ip(RIP))));
        assertEquals(RIP, s.address());
        assertEquals(DoSettings.Paths.RESERVED_IPS, s.paths());
    }
}
