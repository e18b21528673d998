package io.floatd.vrrp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.floatd.vrrp.config.TrackProcessConfig.ParamMatch;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@code vrrp_track_process} and {@code track_process} as keepalived 2.2.7 reads them. Every accept/refuse verdict
 * below was checked against {@code keepalived -t -f FILE} (2.2.7, Debian) in a network namespace with the
 * interface the file names: exit 0 for the accepted ones, 5 (or 2 for a missing value) for the refused ones.
 */
class TrackProcessConfigTest {

    /** A block {@code tp} with {@code body} (its lines start at line 2), tracked by an instance as {@code track}. */
    private static String config(String body, String track) {
        return "vrrp_track_process tp {\n" + body + "\n}\n"
                + "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 100\n"
                + "    unicast_peer {\n        10.0.0.2\n    }\n"
                + "    track_process {\n        " + track + "\n    }\n}\n";
    }

    private static FloatdConfig parse(String text) throws ConfigException {
        return ConfigParser.parse(text, "k.conf");
    }

    private static TrackedProcess tracked(String body, String track) throws ConfigException {
        return parse(config(body, track)).instances().getFirst().trackProcesses().getFirst();
    }

    private static List<String> errors(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void processAloneMatchesTheNameWithWeightZeroAndQuorumOne() throws Exception {
        TrackedProcess t = tracked("    process haproxy", "tp");
        TrackProcessConfig c = t.process();
        assertEquals("haproxy", c.process());
        assertEquals(List.of(), c.params());
        assertEquals(ParamMatch.NONE, c.paramMatch());
        assertFalse(c.fullCommand());
        // keepalived's code: weight 0 (its manual says 1), so losing the quorum means FAULT
        assertEquals(0, c.weight());
        assertEquals(0, t.weight());
        assertEquals(1, c.quorum());
        assertEquals(TrackProcessConfig.NO_MAXIMUM, c.quorumMax());
        assertEquals(Duration.ZERO, c.forkDelay());
        assertEquals(Duration.ZERO, c.terminateDelay());
    }

    @Test
    void everyKeywordLoadsAndTheInstanceWeightOverridesTheBlocks() throws Exception {
        TrackedProcess t = tracked("""
                    process sleep 300
                    param_match partial
                    weight -20 reverse
                    quorum 2
                    quorum_max 4
                    delay 0.5
                    fork_delay 1
                    terminate_delay 2
                    full_command""", "tp weight 30 noreverse");
        TrackProcessConfig c = t.process();
        assertEquals("sleep", c.process());
        assertEquals(List.of("300"), c.params());
        assertEquals(ParamMatch.PARTIAL, c.paramMatch());
        assertTrue(c.fullCommand());
        assertEquals(-20, c.weight());
        assertTrue(c.reverse());
        assertEquals(2, c.quorum());
        assertEquals(4, c.quorumMax());
        // delay sets both; the later lines win
        assertEquals(Duration.ofSeconds(1), c.forkDelay());
        assertEquals(Duration.ofSeconds(2), c.terminateDelay());
        assertEquals(30, t.weight());
        assertFalse(t.reverse());
    }

    @Test
    void argumentsMeanExactArgumentsOnTheCommandLine() throws Exception {
        TrackProcessConfig c = tracked("    process \"/usr/bin/my app\" \"a b\" c", "tp").process();
        assertEquals("/usr/bin/my app", c.process());
        assertEquals(List.of("a b", "c"), c.params());
        assertEquals(ParamMatch.EXACT, c.paramMatch());
        assertTrue(c.fullCommand());
    }

    @Test
    void paramMatchWithoutValueMeansNoArgumentsAtAll() throws Exception {
        TrackProcessConfig c = tracked("    process sleep\n    param_match", "tp").process();
        assertEquals(ParamMatch.EXACT, c.paramMatch());
        assertTrue(c.fullCommand());
        assertEquals(ParamMatch.INITIAL, tracked("    param_match initial\n    process sleep 3", "tp").process().paramMatch());
    }

    @Test
    void quorumMaxZeroMeansNoSuchProcessMayRun() throws Exception {
        TrackProcessConfig c = tracked("    process sleep\n    quorum_max 0", "tp").process();
        assertEquals(0, c.quorum());
        assertEquals(0, c.quorumMax());
        assertTrue(c.inQuorum(0));
        assertFalse(c.inQuorum(1));
        // quorum 1 is the default, so quorum_max 0 after it is still allowed
        assertEquals(0, tracked("    process sleep\n    quorum 1\n    quorum_max 0", "tp").process().quorum());
    }

    @Test
    void aWeightAfterWeightZeroIsNotASecondWeight() throws Exception {
        assertEquals(20, tracked("    process sleep\n    weight 0\n    weight 20", "tp").process().weight());
    }

    @Test
    void fullCommandIgnoresWordsAfterIt() throws Exception {
        assertTrue(tracked("    process sleep\n    full_command yes", "tp").process().fullCommand());
    }

    @Test
    void weightZeroReverseOnTheInstance() throws Exception {
        TrackedProcess t = tracked("    process sleep\n    weight 5", "tp weight 0 reverse");
        assertEquals(0, t.weight());
        assertTrue(t.reverse());
    }

    @Test
    void aSecondBlockOfTheSameNameIsIgnoredWithAWarningAsKeepalivedUsesTheFirst() throws Exception {
        FloatdConfig c = parse(config("    process sleep\n}\nvrrp_track_process tp {\n    process other", "tp"));
        assertEquals("sleep", c.instances().getFirst().trackProcesses().getFirst().process().process());
        assertTrue(c.warnings().stream().anyMatch(w -> w.toString().startsWith("k.conf:4: vrrp_track_process tp is already defined at")),
                c.warnings().toString());
    }

    @Test
    void anUntrackedBlockIsAWarning() throws Exception {
        FloatdConfig c = parse("vrrp_track_process idle {\n    process sleep\n}\n"
                + config("    process sleep", "tp"));
        assertTrue(c.warnings().stream().anyMatch(w -> w.toString().equals(
                "k.conf:1: vrrp_track_process idle is not tracked by any vrrp_instance, so it is not watched")), c.warnings().toString());
    }

    @Test
    void aNameLongerThanAProcessNameCanBeIsAWarning() throws Exception {
        FloatdConfig c = parse(config("    process abcdefghijklmnopq", "tp"));
        assertTrue(c.warnings().stream().anyMatch(w -> w.toString().contains("longer than a process name can be")), c.warnings().toString());
    }

    @Test
    void theDumpReadsBackToTheSameConfiguration() throws Exception {
        FloatdConfig c = parse("""
                vrrp_track_process "my app" {
                    process "/opt/my app" "a b" c
                    param_match initial
                    weight -20 reverse
                    quorum 2
                    quorum_max 4
                    fork_delay 0.25
                    terminate_delay 2
                }
                vrrp_track_process none {
                    process forbidden
                    quorum_max 0
                }
                vrrp_track_process bare {
                    process sleep
                    param_match
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    unicast_peer {
                        10.0.0.2
                    }
                    track_process {
                        "my app" weight 10
                        none
                        bare weight 0 reverse
                    }
                }
                """);
        FloatdConfig again = ConfigParser.parse(c.dump(false), "dump");
        assertEquals(c.instances(), again.instances());
        assertEquals(c.dump().replaceAll("! from .*\n", ""), again.dump().replaceAll("! from .*\n", ""));
        // keepalived: an entry's weight without reverse/noreverse keeps the block's reverse
        assertTrue(again.instances().getFirst().trackProcesses().getFirst().reverse());
        assertFalse(again.instances().getFirst().trackProcesses().get(1).reverse());
    }

    /** Each line is refused at its own line (the block's lines start at 2), as keepalived -t refuses the file. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            delay 0                              | 3 | delay must be between 0.000001 and 3600 seconds, but was 0
            terminate_delay 3601                 | 3 | terminate_delay must be between 0.000001 and 3600 seconds
            fork_delay -1                        | 3 | fork_delay must be a number of seconds
            delay 0.0000001                      | 3 | delay has more than 6 decimals
            delay 1.1234567                      | 3 | delay has more than 6 decimals
            param_match exact                    | 3 | param_match must be 'initial' or 'partial', or have no value
            process sleep2                       | 3 | process is already set to 'sleep'
            weight 10\\nweight 20                | 4 | weight is already set to 10
            weight 255                           | 3 | weight must be between -254 and 254, but was 255
            weight 1.5                           | 3 | weight must be a whole number, but was '1.5'
            weight 5 noreverse                   | 3 | unknown weight option 'noreverse' (expected reverse)
            weight                               | 3 | missing value after 'weight'
            quorum 0                             | 3 | quorum must be between 1 and 65535, but was 0
            quorum                               | 3 | missing value after 'quorum'
            quorum_max 2\\nquorum 3              | 4 | quorum 3 is greater than quorum_max 2
            quorum 3\\nquorum_max 2              | 4 | quorum_max 2 is less than quorum 3
            quorum_max 0\\nquorum 1              | 4 | quorum 1 is greater than quorum_max 0
            quorum 2\\nquorum_max 0              | 4 | quorum_max 0 is less than quorum 2
            """)
    void aBadBlockLineIsRefusedAtItsLine(String line, int at, String message) {
        String body = "    process sleep\n    " + line.replace("\\n", "\n    ");
        List<String> errors = errors(config(body, "tp"));
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("k.conf:" + at + ": vrrp_track_process tp: " + message)), errors.toString());
    }

    @Test
    void aBlockWithoutProcessIsRefused() {
        List<String> errors = errors(config("    weight 2", "tp"));
        assertEquals(List.of("k.conf:1: vrrp_track_process tp: 'process' is required"), errors);
    }

    @Test
    void aBlockWithoutNameIsRefused() {
        List<String> errors = errors("vrrp_track_process {\n    process sleep\n}\n");
        assertTrue(errors.getFirst().startsWith("k.conf:1: vrrp_track_process needs a name"), errors.toString());
    }

    @Test
    void anUnknownKeywordInTheBlockIsIgnoredWithAWarningAsKeepalivedIgnoresIt() throws Exception {
        FloatdConfig c = parse(config("    process sleep\n    wieght 2", "tp"));
        assertTrue(c.warnings().stream().anyMatch(w -> w.toString().startsWith("k.conf:3: vrrp_track_process tp: unknown keyword"
                + " 'wieght' in vrrp_track_process (did you mean 'weight'?): ignored")), c.warnings().toString());
        assertEquals(0, c.instances().getFirst().trackProcesses().getFirst().weight());
    }

    /** The instance's {@code track_process} block is at line 11; its entry at 12 (a second one at 13). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            tp wieght 3          | 12 | unknown track_process tp option 'wieght' (expected weight)
            tp weight            | 12 | missing value after 'weight'
            tp reverse           | 12 | unknown track_process tp option 'reverse' (expected weight)
            tp weight 255        | 12 | track_process tp weight must be between -254 and 254, but was 255
            tp\\n        tp      | 13 | track_process tp is listed twice
            """)
    void aBadInstanceEntryIsRefusedAtItsLine(String track, int at, String message) {
        List<String> errors = errors(config("    process sleep", track.replace("\\n", "\n")));
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("k.conf:" + at + ": vrrp_instance VI_1: " + message)), errors.toString());
    }
}
