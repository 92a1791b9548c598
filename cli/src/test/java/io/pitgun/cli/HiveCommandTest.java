package io.pitgun.cli;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.scaleout.HiveConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HiveCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldListEachEdgeWithTheLastEdgePositionHeld()
    {
        final UUID edge = UUID.randomUUID();
        final HiveConfig hive = HiveConfig.of("aeron:udp?endpoint=127.0.0.1:40456", dir);
        try (Journal journal = Journal.open(JournalConfig.of(hive.edgeJournal(edge.toString()))))
        {
            // A hive's record keeps the frame's edge position in its ingest-time field.
            journal.appender().append(new UnsafeBuffer(new byte[16]), 0, 16, 4242L);
        }
        final CliRun run = CliRun.of("hive", "status", "--data-dir", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("edges       1"), run.out());
        assertTrue(run.out().contains(edge + "  held edge position 4242"), run.out());
    }

    @Test
    void shouldSayWhenTheDirectoryHoldsNoEdges()
    {
        final CliRun run = CliRun.of("hive", "status", "--data-dir", dir.toString());
        assertEquals(CliErrorHandler.FAILED, run.exitCode());
        assertTrue(run.err().contains("no edges"), run.err());
    }

    @Test
    void shouldAskForTheChannelToListenOn()
    {
        final CliRun run = CliRun.of("hive", "--data-dir", dir.toString());
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("--listen"), run.err());
    }
}
