package io.pitgun.systemtests;

import io.pitgun.testsupport.DamagedJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
}
