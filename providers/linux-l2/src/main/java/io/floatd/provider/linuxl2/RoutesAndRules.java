package io.floatd.provider.linuxl2;

import io.floatd.ffm.Libc;
import io.floatd.ffm.NativeException;
import io.floatd.ffm.netlink.RtNetlink;
import io.floatd.vrrp.config.VirtualRoute;
import io.floatd.vrrp.config.VirtualRule;
import java.util.List;

/**
 * An instance's {@code virtual_routes} and {@code virtual_rules} on this node: added after its addresses when it
 * becomes Master (a route's {@code src} must be a local address by then), removed before them when it leaves,
 * rules first (so no rule points into a table being emptied). Called from the provider, off the VRRP loop.
 */
final class RoutesAndRules {
    private static final int ESRCH = 3; // the kernel's "no such route"

    /** Looks up a device's index in the provider's namespace. */
    @FunctionalInterface
    interface Devices {
        int ifIndex(String device) throws NativeException;
    }

    /** What failed, naming the route or rule as written. */
    static final class Failure extends Exception {
        final NativeException cause;

        Failure(String what, NativeException cause) {
            super(what, cause);
            this.cause = cause;
        }
    }

    private final List<VirtualRoute> routes;
    private final List<VirtualRule> rules;

    RoutesAndRules(List<VirtualRoute> routes, List<VirtualRule> rules) {
        this.routes = List.copyOf(routes);
        this.rules = List.copyOf(rules);
    }

    boolean isEmpty() {
        return routes.isEmpty() && rules.isEmpty();
    }

    /**
     * The first tracked route or rule that is not there, e.g. {@code virtual route 10.1.0.0/16 via 10.0.0.1 dev eth0},
     * or null when all are (those with {@code no_track}, and routes without a device, are not looked at, as keepalived
     * does not track them). Reads the route and rule tables only when there is one to look for.
     */
    String firstTrackedMissing(RtNetlink netlink, Devices devices) throws NativeException {
        List<VirtualRoute> trackedRoutes = routes.stream().filter(VirtualRoute::tracked).toList();
        List<VirtualRule> trackedRules = rules.stream().filter(VirtualRule::tracked).toList();
        if (!trackedRoutes.isEmpty()) {
            int[] oif = new int[trackedRoutes.size()];
            for (int i = 0; i < oif.length; i++) {
                oif[i] = devices.ifIndex(trackedRoutes.get(i).device());
            }
            boolean[] seen = new boolean[trackedRoutes.size()];
            netlink.dump(RtNetlink.RTM_GETROUTE, RtNetlink.RTM_NEWROUTE, RouteDump.dumpRequest(), m -> {
                for (int i = 0; i < seen.length; i++) {
                    seen[i] |= RouteDump.isRoute(m, trackedRoutes.get(i), oif[i]);
                }
            });
            int missing = firstFalse(seen);
            if (missing >= 0) {
                return "virtual route " + trackedRoutes.get(missing).text();
            }
        }
        if (!trackedRules.isEmpty()) {
            boolean[] seen = new boolean[trackedRules.size()];
            netlink.dump(RtNetlink.RTM_GETRULE, RtNetlink.RTM_NEWRULE, RouteDump.dumpRequest(), m -> {
                for (int i = 0; i < seen.length; i++) {
                    seen[i] |= RouteDump.isRule(m, trackedRules.get(i));
                }
            });
            int missing = firstFalse(seen);
            if (missing >= 0) {
                return "virtual rule " + trackedRules.get(missing).text();
            }
        }
        return null;
    }

    private static int firstFalse(boolean[] seen) {
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                return i;
            }
        }
        return -1;
    }

    /** Adds every route, then every rule; one already there counts as added. */
    void add(RtNetlink netlink, Devices devices) throws Failure {
        for (VirtualRoute r : routes) {
            int oif = 0;
            try {
                oif = r.device() == null ? 0 : devices.ifIndex(r.device());
                // NLM_F_CREATE alone, as keepalived (ip route prepend): a route to the same place stays
                netlink.transact(RtNetlink.RTM_NEWROUTE, RtNetlink.NLM_F_CREATE,
                        RouteMessages.route(true, r, oif), "RTM_NEWROUTE");
            } catch (NativeException e) {
                if (e.errno() != Libc.EEXIST) {
                    throw new Failure("cannot add route " + r.text(), e);
                }
            }
        }
        for (VirtualRule r : rules) {
            try {
                // NLM_F_CREATE|NLM_F_EXCL, as keepalived and ip rule add: the same rule is not doubled
                short flags = (short) (RtNetlink.NLM_F_CREATE | RtNetlink.NLM_F_EXCL);
                netlink.transact(RtNetlink.RTM_NEWRULE, flags, RouteMessages.rule(r), "RTM_NEWRULE");
            } catch (NativeException e) {
                if (e.errno() != Libc.EEXIST) {
                    throw new Failure("cannot add rule " + r.text(), e);
                }
            }
        }
    }

    /**
     * Removes every rule, then every route; one that is not there (or whose device is gone, taking its routes
     * with it) is fine. Goes on past a failure so one stuck entry does not leave the others; throws the first.
     *
     * @return how many were removed
     */
    int remove(RtNetlink netlink, Devices devices) throws Failure {
        int removed = 0;
        Failure first = null;
        for (VirtualRule r : rules) {
            try {
                netlink.transact(RtNetlink.RTM_DELRULE, (short) 0, RouteMessages.rule(r), "RTM_DELRULE");
                removed++;
            } catch (NativeException e) {
                if (!absent(e) && first == null) {
                    first = new Failure("cannot remove rule " + r.text(), e);
                }
            }
        }
        for (VirtualRoute r : routes) {
            try {
                int oif = r.device() == null ? 0 : devices.ifIndex(r.device());
                netlink.transact(RtNetlink.RTM_DELROUTE, (short) 0, RouteMessages.route(false, r, oif),
                        "RTM_DELROUTE");
                removed++;
            } catch (NativeException e) {
                if (!absent(e) && e.errno() != Libc.ENODEV && first == null) {
                    first = new Failure("cannot remove route " + r.text(), e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return removed;
    }

    private static boolean absent(NativeException e) {
        return e.errno() == ESRCH || e.errno() == Libc.ENOENT;
    }
}
