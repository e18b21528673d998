package io.floatd.vrrp.runtime;

import io.floatd.vrrp.config.FloatdConfig;
import io.floatd.vrrp.config.InstanceConfig;
import io.floatd.vrrp.provider.FloatingIpProvider;
import io.floatd.vrrp.runtime.VrrpDaemon.Instance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What a reload ({@link VrrpDaemon#reload}) does to each instance, decided before anything is touched: an instance
 * whose settings are unchanged (but for its state_file) keeps running; a changed one, one waiting to start, one in
 * a sync group that restarts, and every one after a change in global_defs (but for its outputs) stops and starts
 * again; a removed one stops; a new one starts.
 *
 * @param wanted the next configuration's instances by name, in its order
 * @param toStart the instances to open and start, in the next configuration's order
 * @param stopping the running instances to stop (changed and removed)
 * @param keptProviders the providers of the kept instances (they look their peers up again)
 */
record ReloadPlan(Map<String, InstanceConfig> wanted, List<InstanceConfig> toStart, List<Instance> stopping,
        List<FloatingIpProvider> keptProviders, int kept, int restarted, int removed) {

    /**
     * @param waiting whether an instance could not start and waits for a retry (it is opened again at once: the
     *     reload may be what fixed it)
     */
    static ReloadPlan of(FloatdConfig previous, FloatdConfig next, List<Instance> instances, Predicate<String> waiting,
            Map<String, List<FloatingIpProvider>> providers) {
        boolean globalChanged = !next.global().equalsExceptOutputs(previous.global());
        Map<String, InstanceConfig> wanted = new LinkedHashMap<>();
        next.instances().forEach(ic -> wanted.put(ic.name(), ic));
        Map<String, InstanceConfig> starting = new LinkedHashMap<>(wanted);
        List<Instance> stopping = new ArrayList<>();
        List<FloatingIpProvider> keptProviders = new ArrayList<>();
        int kept = 0;
        Set<String> withGroups = SyncGroups.restartedWithGroups(previous, next, instances.stream().map(i -> i.config().name())
                .filter(name -> wanted.get(name) == null || globalChanged || waiting.test(name)
                        || !wanted.get(name).equalsExceptStateFile(configOf(instances, name)))
                .collect(Collectors.toSet()));
        for (Instance i : instances) {
            InstanceConfig n = wanted.get(i.config().name());
            // an instance waiting to start is opened again at once: the reload may be what fixed it
            if (n != null && !globalChanged && !waiting.test(n.name()) && n.equalsExceptStateFile(i.config())
                    && !withGroups.contains(n.name())) {
                kept++;
                starting.remove(n.name());
                Optional.ofNullable(providers.get(n.name())).ifPresent(keptProviders::addAll);
            } else {
                stopping.add(i);
            }
        }
        int restarted = (int) stopping.stream().filter(i -> wanted.containsKey(i.config().name())).count();
        return new ReloadPlan(wanted, List.copyOf(starting.values()), stopping, keptProviders, kept, restarted,
                stopping.size() - restarted);
    }

    private static InstanceConfig configOf(List<Instance> instances, String name) {
        return instances.stream().filter(i -> i.config().name().equals(name)).findFirst().map(Instance::config).orElse(null);
    }

    /** Whether the reporter (notify_fifo, state files) must be made again for the next configuration. */
    static boolean reporterChanged(FloatdConfig previous, FloatdConfig next) {
        return !previous.instances().equals(next.instances()) || !previous.global().equals(next.global());
    }
}
