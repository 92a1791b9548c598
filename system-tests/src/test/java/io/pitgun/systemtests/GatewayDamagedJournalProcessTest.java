package io.pitgun.systemtests;

import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.DamagedJournal;
import io.pitgun.testsupport.JournaledFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway refuses to start on a journal whose last cycle file does not read through: Chronicle appends at the
 * write position its file records, past a damaged record header where every in-order read stops, so before, a
 * gateway started there and acknowledged (202, journaled) frames no reader would ever see.
 */
class GatewayDamagedJournalProcessTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void shouldRefuseToStartOnAJournalWhoseTailAZeroedRecordHeaderHides() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path journal = dataDir.resolve("journal");
        final UUID session = UUID.randomUUID();
        try (GatewayProcess gateway = GatewayProcess.start(dataDir))
        {
            for (int n = 0; n < 8; n++)
            {
                assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), session, n * 10L, 10)).statusCode(),
                    gateway.logs());
            }
            assertEquals(0, gateway.terminate(Duration.ofSeconds(20)), gateway.logs());
        }
        DamagedJournal.zeroHeader(journal, 3);

        final IllegalStateException refused =
            assertThrows(IllegalStateException.class, () -> GatewayProcess.start(dataDir).close());
        final String message = refused.getMessage();
        assertTrue(message.contains(journal + ": cannot open the journal: DAMAGED: its last cycle file does not read " +
            "through: reading in order stops after index "), message);
        assertTrue(message.contains("run `pitgun journal verify " + journal + "`"), message);
        assertTrue(message.contains("exit 1"), message);
        assertFalse(message.contains("\tat "), message);
    }

    @Test
    @Timeout(120)
    void shouldRefuseToStartOnAJournalWhoseLastCycleFileIsCutShort() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path journal = dataDir.resolve("journal");
        try (GatewayProcess gateway = GatewayProcess.start(dataDir))
        {
            for (int n = 0; n < 4; n++)
            {
                assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), UUID.randomUUID(), 0, 10))
                    .statusCode(), gateway.logs());
            }
            assertEquals(0, gateway.terminate(Duration.ofSeconds(20)), gateway.logs());
        }
        DamagedJournal.cutInside(journal, 2);

        final IllegalStateException refused =
            assertThrows(IllegalStateException.class, () -> GatewayProcess.start(dataDir).close());
        assertTrue(refused.getMessage().contains("is cut short: it ends at byte "), refused.getMessage());
        assertTrue(refused.getMessage().contains("run `pitgun journal verify " + journal + "`"), refused.getMessage());
    }

    /**
     * metadata.cq4t cut short (a copy that stopped). Before, the gateway exited with Chronicle's "Can't append to a
     * read-only chronicle" after about 100 lines of its stack traces, naming no file. Moved aside as the refusal says,
     * the next start writes it again: every frame acknowledged before is there, and the new ones are journaled.
     */
    @Test
    @Timeout(180)
    void shouldRefuseAMetadataFileCutShortNamingItAndStartOnceItIsMovedAside() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final Path journal = dataDir.resolve("journal");
        final UUID session = UUID.randomUUID();
        acknowledgeAndStop(dataDir, session, 0);
        final Path metadata = journal.resolve("metadata.cq4t");
        try (RandomAccessFile file = new RandomAccessFile(metadata.toFile(), "rw"))
        {
            file.setLength(100);
        }

        final IllegalStateException refused =
            assertThrows(IllegalStateException.class, () -> GatewayProcess.start(dataDir).close());
        final String message = refused.getMessage();
        assertTrue(message.contains(journal + ": cannot open the journal: DAMAGED: metadata.cq4t is cut short: it " +
            "ends at byte 100, inside the record at byte 0"), message);
        assertTrue(message.contains("move it aside"), message);
        assertFalse(message.contains("\tat "), message);

        Files.move(metadata, dir.resolve("metadata.cq4t.aside"));
        acknowledgeAndStop(dataDir, session, 10);
        assertEquals(20, JournaledFrames.read(dataDir).frames());
    }

    /**
     * A file named like a cycle file that is not one (an hour before the journal's). Before, the gateway listed it
     * with the cycle files and exited with Chronicle's "Unexpected magic number 6c6c6548", naming no file, and so did
     * every journal tool from then on.
     */
    @Test
    @Timeout(180)
    void shouldRefuseAFileNamedLikeACycleFileThatIsNotOneNamingIt() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        acknowledgeAndStop(dataDir, UUID.randomUUID(), 0);
        Files.writeString(dataDir.resolve("journal").resolve("20000101-00F.cq4"), "Hello, not a journal\n");

        final IllegalStateException refused =
            assertThrows(IllegalStateException.class, () -> GatewayProcess.start(dataDir).close());
        final String message = refused.getMessage();
        assertTrue(message.contains("DAMAGED: 20000101-00F.cq4 is not a cycle file of a journal: its first word is " +
            "0x6c6c6548"), message);
        assertFalse(message.contains("\tat "), message);
    }

    /** Starts a gateway on {@code dataDir}, has it acknowledge 10 frames from {@code first} on, and stops it. */
    private static void acknowledgeAndStop(final Path dataDir, final UUID session, final long first) throws Exception
    {
        try (GatewayProcess gateway = GatewayProcess.start(dataDir))
        {
            assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), session, first, 10)).statusCode(),
                gateway.logs());
            assertFalse(gateway.stderrText().contains("\tat "), gateway.logs());
            assertEquals(0, gateway.terminate(Duration.ofSeconds(20)), gateway.logs());
        }
    }

    /**
     * A cycle file cut short under a running gateway (docs/reliability.md). Cut after the provenance the gateway
     * journals at start, before any frame, the next request was acknowledged 202 journaled (cut to 4 KiB or 64 KiB):
     * Chronicle grew the file back with zeros and wrote the entry after them, where no in-order read gets, and a
     * restart refuses the file; a cut in a compare-and-set of a record header stopped the JVM with SIGBUS instead (4 of
     * 4 tries of an earlier build). The pretoucher now compares the file's length with what the writer has mapped, on
     * its own thread, and fails the journal before any write gets there: /health and the request say journal_failed,
     * and the process lives. Cut after a frame, the write fault was reported before too; now the pretoucher finds it.
     */
    @ParameterizedTest
    @CsvSource({ "4096, false", "65536, false", "4096, true" })
    @Timeout(120)
    void shouldFailTheJournalCleanlyWhenItsCycleFileIsCutShortUnderTheRunningGateway(final int cutTo,
        final boolean afterAFrame) throws Exception
    {
        final Path dataDir = dir.resolve("data");
        try (GatewayProcess gateway = GatewayProcess.start(dataDir))
        {
            if (afterAFrame) // the pretoucher then checks the window the journal stage's own appender wrote into
            {
                assertEquals(202, gateway.beacon(Envelopes.batch(UUID.randomUUID(), UUID.randomUUID(), 0, 10))
                    .statusCode(), gateway.logs());
            }
            final Path cycleFile = DamagedJournal.lastCycleFile(dataDir.resolve("journal"));
            try (RandomAccessFile cut = new RandomAccessFile(cycleFile.toFile(), "rw"))
            {
                cut.setLength(cutTo);
            }
            Await.until("/health says journal_failed", Duration.ofSeconds(10),
                () -> gateway.get("/health").body().contains("journal_failed"));

            final HttpResponse<String> refused =
                gateway.beacon(Envelopes.batch(UUID.randomUUID(), UUID.randomUUID(), 10, 10));
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("journal_failed"), refused.body());
            assertTrue(gateway.isAlive(), gateway.logs());
            assertEquals(1.0, gateway.metric("pitgun_journal_failed"));
            final String health = gateway.get("/health").body();
            assertTrue(health.contains(String.format("%s is cut short: it ends at byte %,d", cycleFile.getFileName(),
                cutTo)), health);
        }
    }
}
