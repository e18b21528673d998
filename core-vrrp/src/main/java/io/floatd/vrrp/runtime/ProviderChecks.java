package io.floatd.vrrp.runtime;

import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.FloatingIpBlocks;
import io.floatd.vrrp.config.FloatingIpSettings;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.config.UnicastPeer;
import io.floatd.vrrp.provider.FloatingIpProviderFactory;
import io.floatd.vrrp.provider.ProviderContext;
import io.floatd.vrrp.provider.ProviderException;
import io.floatd.vrrp.takeover.TakeoverSettings;
import java.util.ArrayList;
import java.util.List;

/** {@code floatd check} on the providers: what can be said about each floating_ip block without opening anything. */
final class ProviderChecks {
    private ProviderChecks() {
    }

    /**
     * What {@code floatd check} can say about each instance's providers without opening anything, block by block:
     * the provider exists in this build, its keywords and values are valid, the shared floating_ip keywords are valid.
     *
     * @return one {@code file:line: message} line per problem, each at its block's file:line
     */
    static List<String> check(FloatdConfig config, String providerOverride, DaemonOptions.ProviderLookup providers) {
        List<String> problems = new ArrayList<>();
        for (InstanceConfig ic : config.instances()) {
            List<FloatingIpSettings> blocks = TakeoverSettings.blocks(ic);
            List<String> names = blocks.stream().map(b -> TakeoverSettings.providerName(b, providerOverride)).toList();
            if (!blocks.isEmpty()) {
                RoutesWiring.problem(ic, names.contains(RoutesWiring.LINUX_L2) ? RoutesWiring.LINUX_L2 : names.getFirst())
                        .ifPresent(problems::add);
            }
            for (int k = 0; k < blocks.size(); k++) {
                FloatingIpSettings block = blocks.get(k);
                String name = names.get(k);
                String where = MulticastWiring.where(ic, block);
                try {
                    TakeoverSettings.policy(ic, block);
                    FloatingIpProviderFactory factory = providers.find(name).orElseThrow(() -> ProviderException.fatal(
                            "provider '" + name + "' is not available in this build"));
                    factory.validate(new ProviderContext(ic.name(), ic.interfaceName(), ic.heldAddresses(), ic.unicastSrcIp(),
                            ic.unicastPeers().stream().map(UnicastPeer::address).toList(), TakeoverSettings.providerSettings(block)));
                    MulticastWiring.cloudProblem(where, ic, name, factory).ifPresent(problems::add);
                } catch (ProviderException e) {
                    problems.add(where + ": vrrp_instance " + ic.name() + ": " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    problems.add(e.getMessage());
                }
            }
            if (providerOverride != null) {
                problems.addAll(FloatingIpBlocks.duplicatesUnder(ic, providerOverride));
            }
        }
        return problems;
    }
}
