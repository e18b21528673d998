package io.floatd.provider.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.floatd.provider.aws.Ipv6Move.AfterRefusal;
import io.floatd.provider.aws.Ipv6Move.Plan;
import io.floatd.provider.aws.Ipv6Move.Step;
import org.junit.jupiter.api.Test;

/** What is sent, given what was read: the decision alone, no EC2. */
class Ipv6MoveTest {
    private static final String OURS = "eni-0aaaaaaaaaaaaaaa1";
    private static final String PEERS = "eni-0bbbbbbbbbbbbbbb2";

    @Test
    void onAnotherInterfaceItIsUnassignedThereThenAssignedHere() {
        assertEquals(new Plan(Step.UNASSIGN_THEN_ASSIGN, PEERS, OURS), Ipv6Move.moveTo(PEERS, OURS));
    }

    @Test
    void alreadyOnTheTargetNothingIsWritten() {
        assertFalse(Ipv6Move.moveTo(OURS, OURS).writes());
    }

    @Test
    void onNoInterfaceOnlyTheAssignIsSent() {
        // the half-done move (its unassign went through, its assign did not) reads as "on nobody"
        assertEquals(new Plan(Step.ASSIGN, null, OURS), Ipv6Move.moveTo(null, OURS));
    }

    @Test
    void aHandOverUnassignsFromOursThenAssignsToThePeers() {
        assertEquals(new Plan(Step.UNASSIGN_THEN_ASSIGN, OURS, PEERS), Ipv6Move.moveTo(OURS, PEERS));
    }

    @Test
    void releaseUnassignsOnlyFromOurOwnInterface() {
        assertEquals(new Plan(Step.UNASSIGN, OURS, null), Ipv6Move.release(OURS, OURS));
        assertFalse(Ipv6Move.release(PEERS, OURS).writes());
        assertFalse(Ipv6Move.release(null, OURS).writes());
    }

    @Test
    void aRefusedAssignIsJudgedByTheReadAfterIt() {
        assertEquals(AfterRefusal.RETRY, Ipv6Move.afterRefusedAssign(PEERS, OURS), "re-taken in between");
        assertEquals(AfterRefusal.DONE, Ipv6Move.afterRefusedAssign(OURS, OURS), "an earlier write landed");
        assertEquals(AfterRefusal.FAIL, Ipv6Move.afterRefusedAssign(null, OURS), "the refusal stands");
    }
}
