package io.pitgun.journal;

import io.pitgun.testsupport.DamagedJournal;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A read-only journal whose cycle file is cut short, read again and again in one process, as the hive, an embedded
 * reader or a test run does. Chronicle's search for the last entry mapped past the cut and faulted (a SIGBUS), and
 * the JVM raised that fault from compiled code as an {@link InternalError} at some later point of the thread: once
 * the search was compiled, a process that had read such a journal a few times failed in unrelated code (a logger,
 * the next open), and once every {@code Journal.close} parked for ever on a lock the fault had left held. The search
 * is now not started on a journal found cut: the damage is reported without any fault.
 * <p>
 * It lives in test-support, in the journal's package, because the damage is made by {@link DamagedJournal}, which
 * the process tests share, and the journal module cannot depend on test-support.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CutCycleFileSearchTest
{
    private static final int ENTRIES = 200;
    private static final int CUT_ENTRY = 150;
    /** Enough rounds for the JIT to compile Chronicle's search, where its faults were raised late. */
    private static final int ROUNDS = 300;

    @TempDir
    Path dir;

    @Test
    void shouldReportACutCycleFileEveryTimeWithoutAFault() throws IOException
    {
        final Path journalDir = dir.resolve("journal");
        final List<Long> written = new ArrayList<>();
        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[64]);
            for (int i = 0; i < ENTRIES; i++)
            {
                frame.putInt(0, i);
                written.add(journal.appender().append(frame, 0, frame.capacity(), i));
            }
        }
        DamagedJournal.cutInside(journalDir, CUT_ENTRY);
        final String cut = DamagedJournal.cycleFile(journalDir).getFileName() + " is cut short";

        for (int round = 0; round < ROUNDS; round++)
        {
            try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
            {
                final Journal.LastIndex last = journal.lastIndexOrDamage(Journal.NO_INDEX);
                assertNotNull(last.unknown(), "round " + round);
                assertTrue(last.unknown().getMessage().contains(cut), last.unknown().getMessage());
                assertFalse(last.unknown().getCause() instanceof InternalError, "round " + round + ": a fault");
                final JournalDamagedException counting = assertThrows(JournalDamagedException.class,
                    () -> journal.countEntries(written.get(0), written.get(ENTRIES - 1)));
                assertFalse(counting.getCause() instanceof InternalError, "round " + round + ": a fault");

                final List<Long> read = new ArrayList<>();
                try (JournalTailer tailer = journal.tailer())
                {
                    assertThrows(JournalDamagedException.class, () ->
                    {
                        while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) -> read.add(index)))
                        {
                            // every whole entry before the cut
                        }
                    });
                }
                assertEquals(written.subList(0, CUT_ENTRY), read, "round " + round);
            }
        }
    }
}
