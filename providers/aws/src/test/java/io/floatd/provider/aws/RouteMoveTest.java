package io.floatd.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.provider.aws.RouteMove.Step;
import io.floatd.provider.aws.RouteMove.TableRoute;
import io.floatd.provider.aws.RouteMove.Write;
import io.floatd.vrrp.provider.Holder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RouteMove}: which table gets which write for the overlay IP's route, from what the read found. */
class RouteMoveTest {
    static final String OURS = "eni-0aaaaaaaaaaaaaaa1";
    static final String PEERS = "eni-0bbbbbbbbbbbbbbb2";

    static TableRoute ours(String t) {
        return new TableRoute(t, true, OURS, Holder.self(OURS));
    }

    static TableRoute peers(String t) {
        return new TableRoute(t, true, PEERS, Holder.peer("i-0bbbbbbbbbbbbbbb2"));
    }

    static TableRoute gateway(String t) {
        return new TableRoute(t, true, null, Holder.other("igw-0123456789abcdef0"));
    }

    @Test
    void eachTableGetsItsOwnWriteAndOursGetsNone() {
        assertEquals(List.of(new Step("rtb-a", Write.NONE), new Step("rtb-b", Write.REPLACE),
                        new Step("rtb-c", Write.CREATE), new Step("rtb-d", Write.REPLACE)),
                RouteMove.moveTo(List.of(ours("rtb-a"), peers("rtb-b"), TableRoute.missing("rtb-c"), gateway("rtb-d")),
                        OURS));
    }

    @Test
    void everyTableRoutedHereWritesNothing() {
        assertFalse(RouteMove.writes(RouteMove.moveTo(List.of(ours("rtb-a"), ours("rtb-b")), OURS)));
        assertTrue(RouteMove.writes(RouteMove.moveTo(List.of(ours("rtb-a"), TableRoute.missing("rtb-b")), OURS)));
    }

    @Test
    void aHandOverRepointsOurRoutesAtThePeer() {
        assertEquals(List.of(new Step("rtb-a", Write.REPLACE), new Step("rtb-b", Write.NONE)),
                RouteMove.moveTo(List.of(ours("rtb-a"), peers("rtb-b")), PEERS));
    }

    @Test
    void releaseDeletesOnlyTheRoutesThatStillTargetOurEni() {
        assertEquals(List.of(new Step("rtb-a", Write.DELETE), new Step("rtb-b", Write.NONE),
                        new Step("rtb-c", Write.NONE), new Step("rtb-d", Write.NONE)),
                RouteMove.release(List.of(ours("rtb-a"), peers("rtb-b"), TableRoute.missing("rtb-c"), gateway("rtb-d")),
                        OURS));
    }

    @Test
    void aTableChangedBetweenReadAndWriteTurnsTheWriteIntoTheOther() {
        assertEquals(Write.REPLACE, RouteMove.afterRefusal(Write.CREATE, "RouteAlreadyExists"));
        assertEquals(Write.CREATE, RouteMove.afterRefusal(Write.REPLACE, "InvalidRoute.NotFound"));
        assertEquals(Write.NONE, RouteMove.afterRefusal(Write.REPLACE, "UnauthorizedOperation"));
        assertEquals(Write.NONE, RouteMove.afterRefusal(Write.CREATE, "InvalidRoute.NotFound"));
        assertEquals(Write.NONE, RouteMove.afterRefusal(Write.DELETE, "RouteAlreadyExists"));
    }

    @Test
    void theHolderIsThisNodeOnlyWhenEveryTableRoutesHereElseTheFurthestTable() {
        assertEquals(Holder.self(OURS), RouteMove.holder(List.of(ours("rtb-a"), ours("rtb-b"))));
        assertEquals(Holder.nobody(), RouteMove.holder(List.of(ours("rtb-a"), TableRoute.missing("rtb-b"))));
        assertEquals(Holder.other("igw-0123456789abcdef0"),
                RouteMove.holder(List.of(TableRoute.missing("rtb-a"), gateway("rtb-b"), ours("rtb-c"))));
        assertEquals(Holder.peer("i-0bbbbbbbbbbbbbbb2"),
                RouteMove.holder(List.of(gateway("rtb-a"), peers("rtb-b"), ours("rtb-c"))));
        assertEquals(Holder.nobody(), RouteMove.holder(List.of()));
    }
}
