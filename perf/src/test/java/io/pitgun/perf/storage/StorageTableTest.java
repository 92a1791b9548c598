package io.pitgun.perf.storage;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorageTableTest
{
    private static final StorageTable.Measured READ =
        new StorageTable.Measured("journal read (reference)", 1_000_000, 138_000_000, 500_000_000, "every message");

    @Test
    void shouldRenderEachPathAsFramesPerSecondMegabytesAndShareOfTheReadRate()
    {
        final String block = StorageTable.render("Settings: test.", READ, List.of(
            new StorageTable.Measured("export to Parquet", 1_000_000, 20_000_000, 4_000_000_000L, "1 file(s)"),
            new StorageTable.Measured("QuestDB sink", 1_000_000, -1, 10_000_000_000L, "0 failures")),
            List.of(new StorageTable.NotMeasured("PostgreSQL sink", "PostgreSQL is not installed")));

        final List<String> lines = block.lines().toList();
        assertEquals("Settings: test.", lines.get(0));
        assertEquals("| path | frames | seconds | frames/s | MB/s | share of the journal's read rate | notes |",
            lines.get(2));
        // 1 M frames in 0.5 s; 138 MB in 0.5 s.
        assertEquals("| journal read (reference) | 1,000,000 | 0.50 | 2,000,000 | 276.0 | 100 % | every message |",
            lines.get(4));
        // 250,000 frames/s is 12.5 % of 2 M; 20 MB of Parquet in 4 s.
        assertEquals("| export to Parquet | 1,000,000 | 4.00 | 250,000 | 5.0 | 13 % | 1 file(s) |", lines.get(5));
        // A database has no file size: no MB/s; 100,000 frames/s is 5 % of the read rate.
        assertEquals("| QuestDB sink | 1,000,000 | 10.00 | 100,000 | - | 5.0 % | 0 failures |", lines.get(6));
        assertEquals("| PostgreSQL sink | - | - | - | - | - | not measured: PostgreSQL is not installed |",
            lines.get(7));
        assertTrue(block.contains("The slowest path over the journal: QuestDB sink at 100,000 frames/s, 5.0 % of " +
            "the journal's read rate (2,000,000 frames/s)."), block);
    }

    @Test
    void shouldShowSmallRatesWithTheirDigits()
    {
        final String block = StorageTable.render("Settings.", READ, List.of(
            new StorageTable.Measured("export to Parquet", 200_000, 1_000_000, 60_000_000_000L, "")), List.of());

        assertTrue(block.contains("| export to Parquet | 200,000 | 60.00 | 3,333 | 0.017 | 0.2 % |  |"), block);
    }

    @Test
    void shouldSayNotMeasuredWithoutAnyPathBesidesTheRead()
    {
        final String block = StorageTable.render("Settings.", READ, List.of(),
            List.of(new StorageTable.NotMeasured("QuestDB sink", "no jar")));

        assertTrue(block.contains("| QuestDB sink | - | - | - | - | - | not measured: no jar |"), block);
        assertTrue(!block.contains("slowest"), block);
    }

    @Test
    void shouldRefuseAMeasurementWithoutFramesOrTime()
    {
        assertThrows(IllegalArgumentException.class, () -> new StorageTable.Measured("x", 0, 1, 1, ""));
        assertThrows(IllegalArgumentException.class, () -> new StorageTable.Measured("x", 1, 1, 0, ""));
    }

    @Test
    void shouldOrderQuestDbVersionsNumerically()
    {
        assertTrue(QuestDbProcess.versionKey("9.2.2").compareTo(QuestDbProcess.versionKey("10.0.1")) < 0);
        assertTrue(QuestDbProcess.versionKey("8.3.3").compareTo(QuestDbProcess.versionKey("9.2.2")) < 0);
    }

    @Test
    void shouldTakeTheProfilesFrameCounts()
    {
        assertEquals(200_000, StorageMain.Options.parse(new String[] {}).frames());
        assertEquals(1_000_000, StorageMain.Options.parse(new String[] {"--profile", "full"}).frames());
        assertEquals(5, StorageMain.Options.parse(new String[] {"--frames", "5"}).frames());
        assertThrows(IllegalArgumentException.class, () -> StorageMain.Options.parse(new String[] {"--profile", "x"}));
    }
}
