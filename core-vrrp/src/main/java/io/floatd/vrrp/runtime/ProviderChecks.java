package io.floatd.vrrp.runtime;

import io.floatd.vrrp.config.ConfigError;
import io.floatd.vrrp.config.FloatingIpBlocks;
import io.floatd.vrrp.config.FloatingIpSettings;
import io.floatd.vrrp.config.InstanceCheck;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.TypedProviderSettings;
import io.floatd.vrrp.config.UnicastPeer;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.takeover.TakeoverSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * What can be said about an instance's providers without opening anything, block by block: the provider exists in
 * this build, its keywords and values are valid ({@link FloatingIpProviderFactory#typedSettings}), the shared takeover
 * keywords are valid, the cloud's multicast rule and the routes rule hold. Run by the parse itself
 * ({@link #asInstanceCheck}) for {@code floatd check}, {@code floatd run} and a reload, so these errors come with the
 * file's others.
 */
public final class ProviderChecks {
    private ProviderChecks() {
    }

    /**
     * The check the parse runs on each instance ({@link io.floatd.vrrp.config.ParseOptions#withInstanceCheck}): its
     * problems, and each written block with what its provider typed of it ({@link FloatingIpSettings#typed()}).
     */
    public static InstanceCheck asInstanceCheck(String providerOverride, DaemonOptions.ProviderLookup providers) {
        return new InstanceCheck() {
            @Override
            public List<ConfigError> check(InstanceConfig ic) {
                return problems(ic, providerOverride, providers);
            }

            @Override
            public Checked checked(InstanceConfig ic) {
                return ProviderChecks.checked(ic, providerOverride, providers);
            }
        };
    }

    /** Each problem of the instance's blocks at the block's file:line (the instance's for its routes). */
    public static List<ConfigError> problems(InstanceConfig ic, String providerOverride, DaemonOptions.ProviderLookup providers) {
        return checked(ic, providerOverride, providers).errors();
    }

    /** {@link #problems}, and the instance with each written block's typed settings. */
    static InstanceCheck.Checked checked(InstanceConfig ic, String providerOverride, DaemonOptions.ProviderLookup providers) {
        List<ConfigError> problems = new ArrayList<>();
        List<FloatingIpSettings> typed = new ArrayList<>(ic.floatingIps());
        List<FloatingIpSettings> blocks = TakeoverSettings.blocks(ic);
        List<String> names = blocks.stream().map(b -> TakeoverSettings.providerName(b, providerOverride)).toList();
        if (!blocks.isEmpty()) {
            RoutesWiring.problem(ic, names.contains(RoutesWiring.LINUX_L2) ? RoutesWiring.LINUX_L2 : names.getFirst())
                    .ifPresent(p -> problems.add(at(ic.file(), ic.line(), p)));
        }
        for (int k = 0; k < blocks.size(); k++) {
            FloatingIpSettings block = blocks.get(k);
            String name = names.get(k);
            String where = MulticastWiring.where(ic, block);
            String file = block.file() == null ? ic.file() : block.file();
            int line = block.file() == null ? ic.line() : block.line();
            try {
                TakeoverSettings.policy(ic, block);
                FloatingIpProviderFactory factory = providers.find(name).orElseThrow(() -> ProviderException.fatal(
                        "provider '" + name + "' is not available in this build"));
                TypedProviderSettings settings = factory.typedSettings(new ProviderContext(ic.name(), ic.interfaceName(),
                        ic.heldAddresses(), ic.unicastSrcIp(), ic.unicastPeers().stream().map(UnicastPeer::address).toList(),
                        TakeoverSettings.providerSettings(block)));
                if (settings != null && k < typed.size()) {
                    typed.set(k, block.withTyped(settings)); // a written block (blocks() adds one only when none is)
                }
                MulticastWiring.cloudProblem(where, ic, name, factory).ifPresent(p -> problems.add(at(file, line, p)));
            } catch (ProviderException e) {
                problems.add(new ConfigError(file, line, "vrrp_instance " + ic.name() + ": " + e.getMessage()));
            } catch (IllegalArgumentException e) {
                problems.add(at(file, line, e.getMessage()));
            }
        }
        if (providerOverride != null) {
            List<FloatingIpSettings> written = ic.floatingIps();
            for (int k = 1; k < written.size(); k++) {
                FloatingIpSettings b = written.get(k);
                FloatingIpBlocks.duplicate(written.subList(0, k), b, providerOverride)
                        .ifPresent(m -> problems.add(new ConfigError(b.file(), b.line(), "vrrp_instance " + ic.name() + ": " + m)));
            }
        }
        return new InstanceCheck.Checked(ic.withFloatingIps(typed), problems);
    }

    /** {@code message} at file:line, without the {@code file:line: } it already starts with. */
    private static ConfigError at(String file, int line, String message) {
        String prefix = file + ":" + line + ": ";
        return new ConfigError(file, line, message.startsWith(prefix) ? message.substring(prefix.length()) : message);
    }
}
