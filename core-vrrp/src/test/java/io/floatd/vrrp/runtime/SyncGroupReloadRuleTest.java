package io.floatd.vrrp.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.floatd.vrrp.config.ConfigParser;
import io.floatd.vrrp.config.FloatdConfig;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which instances a reload restarts for their vrrp_sync_group's sake ({@link SyncGroups#restartedWithGroups}). */
class SyncGroupReloadRuleTest {

    private static FloatdConfig parse(String groups) throws Exception {
        StringBuilder b = new StringBuilder();
        for (int n = 1; n <= 4; n++) {
            b.append("""
                    vrrp_instance VI_%d {
                        interface eth0
                        virtual_router_id %d
                        unicast_peer {
                            10.0.0.2
                        }
                    }
                    """.formatted(n, 50 + n));
        }
        return ConfigParser.parse(b + groups, "k.conf");
    }

    private static final String G12 = "vrrp_sync_group G { group { VI_1 VI_2 } }\n";
    private static final String H34 = "vrrp_sync_group H { group { VI_3 VI_4 } }\n";

    @Test
    void unchangedGroupsWithNoMemberRestartingRestartNothing() throws Exception {
        assertEquals(Set.of(), SyncGroups.restartedWithGroups(parse(G12 + H34), parse(G12 + H34), Set.of()));
    }

    @Test
    void aMemberRestartingForItsOwnSakeRestartsItsWholeGroupOnly() throws Exception {
        assertEquals(Set.of("VI_1", "VI_2"), SyncGroups.restartedWithGroups(parse(G12 + H34), parse(G12 + H34), Set.of("VI_2")));
    }

    @Test
    void aNewGroupRestartsItsMembers() throws Exception {
        assertEquals(Set.of("VI_3", "VI_4"), SyncGroups.restartedWithGroups(parse(G12), parse(G12 + H34), Set.of()));
    }

    @Test
    void aRemovedGroupRestartsItsFormerMembers() throws Exception {
        assertEquals(Set.of("VI_1", "VI_2"), SyncGroups.restartedWithGroups(parse(G12 + H34), parse(H34), Set.of()));
    }

    @Test
    void aChangedNotifyScriptRestartsTheGroup() throws Exception {
        String changed = "vrrp_sync_group G { group { VI_1 VI_2 }\n notify_master /bin/true\n}\n";
        assertEquals(Set.of("VI_1", "VI_2"), SyncGroups.restartedWithGroups(parse(G12 + H34), parse(changed + H34), Set.of()));
    }

    @Test
    void aMemberMovingBetweenGroupsRestartsBothGroupsOldAndNewMembers() throws Exception {
        String before = "vrrp_sync_group G { group { VI_1 VI_2 VI_3 } }\n";
        String after = "vrrp_sync_group G { group { VI_1 VI_2 } }\n" + H34;
        assertEquals(Set.of("VI_1", "VI_2", "VI_3", "VI_4"), SyncGroups.restartedWithGroups(parse(before), parse(after), Set.of()));
    }
}
