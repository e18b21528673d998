package io.floatd.provider.aws;

import io.floatd.vrrp.provider.Holder;
import java.util.ArrayList;
import java.util.List;

/**
 * What to send to EC2 for the overlay IP's route in each route table, given what the last read found there: a pure
 * decision, no I/O (the provider, {@link RouteTableProvider}, sends it). Each table is decided on its own, so one
 * table's state (or failure) never holds back another's write.
 *
 * <ul>
 *   <li>the route targets our ENI: nothing;</li>
 *   <li>it targets anything else (a peer's ENI, a stranger's, a gateway, a blackhole): {@code ReplaceRoute};</li>
 *   <li>the table has no route to the overlay IP: {@code CreateRoute};</li>
 *   <li>on release: {@code DeleteRoute} only where the route still targets our ENI.</li>
 * </ul>
 *
 * <p>A write that EC2 refuses because the table changed in between is turned into the other write
 * ({@link #afterRefusal}): {@code CreateRoute} answered {@code RouteAlreadyExists} becomes {@code ReplaceRoute};
 * {@code ReplaceRoute} answered {@code InvalidRoute.NotFound} becomes {@code CreateRoute}.
 */
final class RouteMove {
    private RouteMove() {
    }

    enum Write {
        NONE, CREATE, REPLACE, DELETE
    }

    /**
     * The route to the overlay IP in one table, as read.
     *
     * @param table the route table id
     * @param exists whether the table has a route to the overlay IP at all
     * @param eni the network interface it targets, or null (no route, or a target that is not an interface)
     * @param holder who that is: self, a peer, another (an instance, interface or gateway), nobody (no route)
     */
    record TableRoute(String table, boolean exists, String eni, Holder holder) {
        static TableRoute missing(String table) {
            return new TableRoute(table, false, null, Holder.nobody());
        }
    }

    /** One table's write. */
    record Step(String table, Write write) {
    }

    /** Point the route at {@code target} in every table where it is not there yet. */
    static List<Step> moveTo(List<TableRoute> read, String target) {
        List<Step> out = new ArrayList<>();
        for (TableRoute t : read) {
            out.add(new Step(t.table(), !t.exists() ? Write.CREATE : target.equals(t.eni()) ? Write.NONE : Write.REPLACE));
        }
        return out;
    }

    /** Delete the route only where it still targets {@code ours}: another holder's route is never removed. */
    static List<Step> release(List<TableRoute> read, String ours) {
        List<Step> out = new ArrayList<>();
        for (TableRoute t : read) {
            out.add(new Step(t.table(), t.exists() && ours.equals(t.eni()) ? Write.DELETE : Write.NONE));
        }
        return out;
    }

    /** Whether any step writes. */
    static boolean writes(List<Step> steps) {
        return steps.stream().anyMatch(s -> s.write() != Write.NONE);
    }

    /**
     * The write to send instead after EC2 refused {@code sent} with {@code code} (the table changed between the read
     * and the write), or {@link Write#NONE} when the refusal stands.
     */
    static Write afterRefusal(Write sent, String code) {
        if (sent == Write.CREATE && "RouteAlreadyExists".equals(code)) {
            return Write.REPLACE;
        }
        if (sent == Write.REPLACE && "InvalidRoute.NotFound".equals(code)) {
            return Write.CREATE;
        }
        return Write.NONE;
    }

    /**
     * The holder of the overlay IP over all tables: this node only when every table routes it here; otherwise the
     * table that routes it furthest from here decides: a peer (a split brain or a takeover by the peer under way:
     * the takeover machine decides), then another, then nobody (a route missing from a table: taken back at once).
     */
    static Holder holder(List<TableRoute> read) {
        Holder worst = null;
        for (TableRoute t : read) {
            Holder h = t.holder();
            if (worst == null || rank(h) > rank(worst)) {
                worst = h;
            }
        }
        return worst == null ? Holder.nobody() : worst;
    }

    private static int rank(Holder h) {
        return switch (h.kind()) {
            case SELF -> 0;
            case NOBODY -> 1;
            case OTHER -> 2;
            case PEER -> 3;
        };
    }
}
