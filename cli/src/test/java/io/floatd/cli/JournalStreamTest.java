package io.floatd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd-daemon(3) and systemd.exec(5) JOURNAL_STREAM: which stream is the journal, and the priority of a line. */
class JournalStreamTest {
    @TempDir
    Path tmp;

    @Test
    void journalStreamMatchesOnlyTheDeviceAndInodeItNames() throws Exception {
        Path a = Files.createFile(tmp.resolve("a"));
        Path b = Files.createFile(tmp.resolve("b"));
        String ofA = Files.getAttribute(a, "unix:dev") + ":" + Files.getAttribute(a, "unix:ino");
        assertTrue(JournalStream.matches(ofA, a));
        assertFalse(JournalStream.matches(ofA, b), "another file on the same device");
        assertFalse(JournalStream.matches(null, a), "not under systemd");
        for (String bad : new String[] {"", ":", "12", "x:y", "12:", ":34", "-1:5"}) {
            assertFalse(JournalStream.matches(bad, a), bad);
        }
    }

    @Test
    void levelsMapToSdDaemonPriorities() {
        assertEquals("<3>", JournalStream.prefix(Level.SEVERE));
        assertEquals("<4>", JournalStream.prefix(Level.WARNING));
        assertEquals("<6>", JournalStream.prefix(Level.INFO));
        assertEquals("<7>", JournalStream.prefix(Level.FINE));
        assertEquals("<7>", JournalStream.prefix(Level.FINEST));
    }

    @Test
    void everyLineOfARecordCarriesItsPriority() {
        assertEquals("<3>floatd: ERROR: x\n<3>\tat a.b(C.java:1)\n", JournalStream.eachLine("<3>", "floatd: ERROR: x\n\tat a.b(C.java:1)\n"));
    }

    @Test
    void printedErrorsArePriorityErrOnlyForTheJournal() {
        StringWriter journal = new StringWriter();
        PrintWriter w = JournalStream.errors(new PrintWriter(journal), true);
        w.println("floatd: a.conf:3: unknown interface");
        w.print("floatd: two ");
        w.println("parts");
        assertEquals("<3>floatd: a.conf:3: unknown interface\n<3>floatd: two parts\n", journal.toString());
        StringWriter terminal = new StringWriter();
        PrintWriter t = new PrintWriter(terminal);
        assertTrue(JournalStream.errors(t, false) == t);
    }
}
