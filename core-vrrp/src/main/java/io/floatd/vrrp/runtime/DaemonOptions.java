package io.floatd.vrrp.runtime;

import io.floatd.vrrp.codec.DropCounters;
import io.floatd.vrrp.config.TransportSettings;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.timer.NanoClock;
import io.floatd.vrrp.transport.AdvertAuth;
import io.floatd.vrrp.transport.ProtocolMismatchWatch;
import io.floatd.vrrp.transport.VrrpTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * How a daemon is run, beside its configuration.
 *
 * @param providerOverride {@code --provider NAME}: overrides the provider of every {@code floating_ip} block of every instance
 * @param dryRun run the election and log what would be done to the IP, without doing it
 * @param notifyTimeout how long a notify script may run before its process group is killed
 * @param transports opens the socket for a source address and interface (VRRP over protocol 112)
 * @param udpTransports opens the socket of an instance with {@code transport { udp ... }}
 * @param providers finds a provider factory by name
 * @param clock the monotonic clock
 */
public record DaemonOptions(
        String providerOverride,
        boolean dryRun,
        Duration notifyTimeout,
        TransportFactory transports,
        ProviderLookup providers,
        NanoClock clock,
        UdpTransportFactory udpTransports) {

    public static final Duration DEFAULT_NOTIFY_TIMEOUT = Duration.ofSeconds(30);

    public DaemonOptions {
        Objects.requireNonNull(notifyTimeout, "notifyTimeout");
        Objects.requireNonNull(transports, "transports");
        Objects.requireNonNull(providers, "providers");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(udpTransports, "udpTransports");
    }

    /** With the real UDP transport (and its protocol-112 mismatch watch) for {@code transport { udp }} instances. */
    public DaemonOptions(String providerOverride, boolean dryRun, Duration notifyTimeout, TransportFactory transports,
            ProviderLookup providers, NanoClock clock) {
        this(providerOverride, dryRun, notifyTimeout, transports, providers, clock, UdpTransportFactory.SOCKETS);
    }

    @FunctionalInterface
    public interface UdpTransportFactory {
        /** UDP sockets in the calling thread's network namespace, signed when the settings carry a key. */
        UdpTransportFactory SOCKETS = (source, interfaceName, settings, drops, expected) -> ProtocolMismatchWatch.openUdp(
                source, interfaceName, settings.port(), settings.signed() ? new AdvertAuth(settings.key()) : null, drops,
                expected);

        /**
         * @param expected the VRIDs this socket serves, each with its configured peers; the daemon keeps it up to date
         *     as instances on the socket start and stop (see {@link ProtocolMismatchWatch#openUdp})
         */
        VrrpTransport open(InetAddress source, String interfaceName, TransportSettings settings, DropCounters drops,
                Map<Integer, Set<InetAddress>> expected) throws IOException;
    }

    @FunctionalInterface
    public interface TransportFactory {
        VrrpTransport open(InetAddress source, String interfaceName) throws IOException;
    }

    @FunctionalInterface
    public interface ProviderLookup {
        Optional<FloatingIpProviderFactory> find(String name);

        /** The providers on the class path, through {@link ServiceLoader}. */
        static ProviderLookup serviceLoader() {
            return name -> ServiceLoader.load(FloatingIpProviderFactory.class).stream()
                    .map(ServiceLoader.Provider::get)
                    .filter(f -> f.name().equals(name))
                    .findFirst();
        }
    }

    public DaemonOptions withProviderOverride(String name) {
        return new DaemonOptions(name, dryRun, notifyTimeout, transports, providers, clock, udpTransports);
    }

    public DaemonOptions withDryRun(boolean on) {
        return new DaemonOptions(providerOverride, on, notifyTimeout, transports, providers, clock, udpTransports);
    }
}
