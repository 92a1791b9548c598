package io.pitgun.cli;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.scaleout.HiveConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
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
        assertTrue(run.out().contains(edge + "  derived output none"), run.out());
    }

    @Test
    void shouldPrintTheSizeAndSha256OfEachEdgesDerivedOutput() throws Exception
    {
        final UUID edge = UUID.randomUUID();
        final HiveConfig hive = HiveConfig.of("aeron:udp?endpoint=127.0.0.1:40456", dir);
        try (Journal journal = Journal.open(JournalConfig.of(hive.edgeJournal(edge.toString()))))
        {
            journal.appender().append(new UnsafeBuffer(new byte[16]), 0, 16, 7L);
        }
        Files.writeString(hive.edgeDerivedFile(edge.toString()), "abc");
        final CliRun run = CliRun.of("hive", "status", "--data-dir", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        // sha256("abc"), the FIPS 180-2 example
        assertTrue(run.out().contains(edge + "  derived output 3 bytes  sha256 " +
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), run.out());
    }

    @Test
    void shouldRefuseADictionaryWithoutAManifest()
    {
        final CliRun run = CliRun.of("hive", "--listen", "aeron:udp?endpoint=127.0.0.1:40456", "--data-dir",
            dir.toString(), "--dictionary", dir.resolve("d.yaml").toString());
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("--dictionary needs --manifest"), run.err());
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
