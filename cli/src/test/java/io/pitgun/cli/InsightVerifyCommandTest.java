package io.pitgun.cli;

import io.pitgun.engine.AckMode;
import io.pitgun.engine.FrameWriter;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.schemas.signing.TrustedKeys;
import io.pitgun.testsupport.DamagedJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pitgun insight verify}: a real insight of a signed manifest's live run verifies against its journal; an
 * altered journal, manifest or insight fails, naming what differs.
 */
class InsightVerifyCommandTest
{
    private static final String MANIFEST = String.join("\n",
        "version: v1",
        "name: laps",
        "pipeline:",
        "  - type: formula",
        "    derived_channels:",
        "      - { name: Power_kW, expr: \"Torque_Nm * Engine_RPM / 9549.0\", unit: kW }",
        "  - type: segment",
        "    by: lap",
        "    aggregates:",
        "      - { channel: Power_kW, stats: [max, mean] }",
        "  - type: output",
        "    contracts: [pitgun-envelope/v1, insight-contract/v1]",
        "");
    private static final UUID SESSION = UUID.fromString("53702b3e-3e56-41a2-8834-9169ee5e991e");
    private static final UUID PRODUCER = UUID.fromString("7d16dde5-88a6-4b47-8cd8-c711601cd61f");

    @TempDir
    Path dir;

    /** Two options that name different readers are a usage error (exit 2), found before any file is read. */
    @Test
    void shouldRefuseBothReadersAsAUsageError()
    {
        final CliRun run = CliRun.of("insight", "verify", dir.resolve("insight.json").toString(), "--journal",
            dir.toString(), "--manifest", dir.resolve("m.yaml").toString(), "--read-restricted",
            "--include-restricted");
        assertEquals(CliErrorHandler.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("--read-restricted and --include-restricted name different readers"), run.err());
    }

    /** JSON Jackson will not read (nested past its limit, cut short): one line naming the file. */
    @Test
    void shouldNameAnInsightFileThatIsNotValidJson() throws Exception
    {
        final Path manifest = Files.writeString(dir.resolve("laps.yaml"), MANIFEST, StandardCharsets.UTF_8);
        final Path deep = Files.writeString(dir.resolve("deep.json"), "[".repeat(1_500) + "]".repeat(1_500));
        final Path cut = Files.writeString(dir.resolve("cut.json"), "{\"a\":");
        for (final Path insight : List.of(deep, cut))
        {
            final CliRun run = CliRun.of("insight", "verify", insight.toString(), "--journal",
                dir.resolve("journal").toString(), "--manifest", manifest.toString());
            assertEquals(1, run.exitCode(), run.out());
            assertTrue(run.err().startsWith(insight + ": not valid JSON: "), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
        }
    }

    @Test
    void shouldProveARealInsightAndNameWhatDiffersWhenTheJournalManifestOrInsightIsAltered() throws Exception
    {
        assertEquals(0, CliRun.of("keys", "generate", "--out", dir.resolve("authority").toString()).exitCode());
        final Path manifest = dir.resolve("laps.yaml");
        Files.writeString(manifest, MANIFEST, StandardCharsets.UTF_8);
        assertEquals(0, CliRun.of("manifest", "sign", manifest.toString(), "--key",
            dir.resolve("authority.key").toString()).exitCode());
        final String trust = dir.resolve("authority.pub").toString();

        final Path journal = dir.resolve("journal");
        final Path output = dir.resolve("live.jsonl");
        run(manifest, journal, output, -1);
        final String lap = Files.readAllLines(output).stream().filter(line -> line.contains("\"lap_summary\""))
            .findFirst().orElseThrow();
        final Path insight = dir.resolve("insight.json");
        Files.writeString(insight, lap + "\n");

        final CliRun ok = CliRun.of("insight", "verify", insight.toString(), "--journal", journal.toString(),
            "--manifest", manifest.toString(), "--trust", trust);
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().contains(insight + ": OK: byte-identical"), ok.out());

        final CliRun noTrust = CliRun.of("insight", "verify", insight.toString(), "--journal", journal.toString(),
            "--manifest", manifest.toString());
        assertEquals(1, noTrust.exitCode());
        assertTrue(noTrust.err().contains("names signer key"), noTrust.err());

        // The same run with one frame's torque changed: the insight's figures no longer follow from that journal.
        final Path altered = dir.resolve("altered");
        run(manifest, altered, dir.resolve("altered.jsonl"), 10);
        final CliRun journalAltered = CliRun.of("insight", "verify", insight.toString(), "--journal",
            altered.toString(), "--manifest", manifest.toString(), "--trust", trust);
        assertEquals(1, journalAltered.exitCode(), journalAltered.out());
        assertTrue(journalAltered.err().contains("/channels/Power_kW/max:"), journalAltered.err());

        // Another manifest (one changed byte, signed again): refused before any replay, naming both digests.
        Files.writeString(manifest, MANIFEST.replace("max, mean", "mean, max"), StandardCharsets.UTF_8);
        assertEquals(0, CliRun.of("manifest", "sign", manifest.toString(), "--key",
            dir.resolve("authority.key").toString()).exitCode());
        final CliRun manifestAltered = CliRun.of("insight", "verify", insight.toString(), "--journal",
            journal.toString(), "--manifest", manifest.toString(), "--trust", trust);
        assertEquals(1, manifestAltered.exitCode());
        assertTrue(manifestAltered.err().contains("manifest differs"), manifestAltered.err());

        // The insight itself edited: the pointer and both values are named.
        Files.writeString(manifest, MANIFEST, StandardCharsets.UTF_8);
        assertEquals(0, CliRun.of("manifest", "sign", manifest.toString(), "--key",
            dir.resolve("authority.key").toString()).exitCode());
        Files.writeString(insight, lap.replaceFirst("\"frame_count\":\\d+", "\"frame_count\":1") + "\n");
        final CliRun insightAltered = CliRun.of("insight", "verify", insight.toString(), "--journal",
            journal.toString(), "--manifest", manifest.toString(), "--trust", trust);
        assertEquals(1, insightAltered.exitCode());
        assertTrue(insightAltered.err().contains("/window/frame_count: 1 vs "), insightAltered.err());

        // The journal's metadata.cq4t deleted: still proven, and said in verify's own words, as the journal tools say
        // it (before, only Chronicle's WARN, which names no journal).
        Files.writeString(insight, lap + "\n");
        Files.delete(journal.resolve("metadata.cq4t"));
        final CliRun noMetadata = CliRun.of("insight", "verify", insight.toString(), "--journal", journal.toString(),
            "--manifest", manifest.toString(), "--trust", trust);
        assertEquals(0, noMetadata.exitCode(), noMetadata.err());
        assertTrue(noMetadata.err().contains(journal + ": metadata.cq4t is missing"), noMetadata.err());
    }

    /**
     * A cycle file deleted from the middle of the journal (to free disk space), holding half of a lap: the replay from
     * the start went from the file before it to the one after it without a word, and verify said only that the lap's
     * insight differs (its frame count, its figures), as if the insight were wrong. Now it names the gap and exits 1
     * as every journal tool does. One run's frames written in three cycle files an hour apart (each part's file
     * renamed to an earlier hour's name), the insight derived from the whole journal before the deletion.
     */
    @Test
    void shouldNameACycleFileDeletedFromTheMiddleOfTheJournal() throws Exception
    {
        final Path manifest = dir.resolve("laps.yaml");
        Files.writeString(manifest, MANIFEST, StandardCharsets.UTF_8);
        final Path journal = dir.resolve("journal");
        writeFrames(journal, 0, 1_500);
        DamagedJournal.moveLastCycleFileBack(journal, 2);
        writeFrames(journal, 1_500, 500);
        final Path deleted = DamagedJournal.moveLastCycleFileBack(journal, 1);
        writeFrames(journal, 2_000, 1_000);
        final Path output = dir.resolve("replay.jsonl");
        final CliRun replay = CliRun.of("journal", "replay", journal.toString(), "--manifest", manifest.toString(),
            "--out", output.toString());
        assertEquals(0, replay.exitCode(), replay.err());
        // Lap 2: frames 1000 to 1999, half of them in the file deleted below.
        final String lap = Files.readAllLines(output).stream()
            .filter(line -> line.contains("\"lap_summary\"") && line.contains("\"lap_number\":2")).findFirst()
            .orElseThrow();
        final Path insight = dir.resolve("insight.json");
        Files.writeString(insight, lap + "\n");
        final CliRun ok = CliRun.of("insight", "verify", insight.toString(), "--journal", journal.toString(),
            "--manifest", manifest.toString());
        assertEquals(0, ok.exitCode(), ok.err());

        Files.delete(deleted);
        final CliRun gap = CliRun.of("insight", "verify", insight.toString(), "--journal", journal.toString(),
            "--manifest", manifest.toString());
        assertEquals(1, gap.exitCode(), gap.out());
        assertTrue(gap.err().contains(insight + ": not proved: " + journal + ": DAMAGED: the entries after index ") &&
            gap.err().contains("their cycle file " + deleted.getFileName()), gap.err());
    }

    /**
     * A {@code --config} whose slots are smaller than the journal's messages makes the replay pass them over: nothing
     * is proved, but the journal is sound. Before, verify said "not proved: DIR: DAMAGED: N messages refused", sending
     * the analyst after the journal rather than the setting.
     */
    @Test
    void shouldBlameTheReplaysSlotsNotTheJournalForAMessageTooLargeForThem() throws Exception
    {
        final Path manifest = dir.resolve("laps.yaml");
        Files.writeString(manifest, MANIFEST, StandardCharsets.UTF_8);
        final Path journal = dir.resolve("journal");
        writeFrames(journal, 0, 2_000, 4); // each frame about 160 bytes
        final Path output = dir.resolve("replay.jsonl");
        assertEquals(0, CliRun.of("journal", "replay", journal.toString(), "--manifest", manifest.toString(),
            "--out", output.toString()).exitCode());
        final Path insight = dir.resolve("insight.json");
        Files.writeString(insight, Files.readAllLines(output).stream()
            .filter(line -> line.contains("\"lap_summary\"")).findFirst().orElseThrow() + "\n");
        final Path small = Files.writeString(dir.resolve("small.yaml"), "max_frame_bytes: 128\n");

        final CliRun run = CliRun.of("insight", "verify", insight.toString(), "--journal", journal.toString(),
            "--manifest", manifest.toString(), "--config", small.toString());
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().contains(insight + ": not proved: " + journal + ": NOT REPLAYED: ") &&
            run.err().contains(" larger than the replay's slots, the first: journal entry "), run.err());
        assertFalse(run.err().contains("DAMAGED"), run.err());
    }

    /**
     * Frames {@code [from, from + count)} of one session, a lap every 1000, written by a pipeline of another manifest
     * (the insight's then has no start of its own in the journal to be replayed from).
     */
    private void writeFrames(final Path journal, final int from, final int count) throws Exception
    {
        writeFrames(journal, from, count, 0);
    }

    /** As {@link #writeFrames(Path, int, int)}, each frame with {@code extra} more samples (channels 5, 6, ...). */
    private void writeFrames(final Path journal, final int from, final int count, final int extra) throws Exception
    {
        final Path framesOnly = dir.resolve("frames-only.yaml");
        Files.writeString(framesOnly, String.join("\n", "version: v1", "name: frames-only", "pipeline:",
            "  - type: output", "    contracts: [pitgun-envelope/v1]", ""), StandardCharsets.UTF_8);
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(framesOnly)
            .config(PipelineConfig.builder().journalDirectory(journal).ackMode(AckMode.JOURNALED).build()).build();
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            for (int i = from; i < from + count; i++)
            {
                writer.begin(i, 1_000_000L * 1_000 + i * 1_000L).lapNumber(1 + i / 1_000)
                    .putDouble(3, 100 + i % 100).putLong(1, 8_000 + i % 500).putDouble(4, 250 + i % 7);
                for (int channel = 5; channel < 5 + extra; channel++)
                {
                    writer.putLong(channel, 1);
                }
                writer.commit();
            }
        }
        finally
        {
            pipeline.close();
        }
    }

    // A live run of the signed manifest: 3 laps of 1000 frames; frame `alteredFrame` (if >= 0) gets another torque.
    private void run(final Path manifest, final Path journal, final Path output, final int alteredFrame)
        throws Exception
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest)
            .trust(TrustedKeys.load(List.of(dir.resolve("authority.pub"))))
            .config(PipelineConfig.builder().journalDirectory(journal).ackMode(AckMode.JOURNALED)
                .jsonLinesFile(output).build()).build();
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            for (int i = 0; i < 3_000; i++)
            {
                writer.begin(i, 1_000_000L * 1_000 + i * 1_000L).lapNumber(1 + i / 1_000)
                    .putDouble(3, 100 + i % 100).putLong(1, 8_000 + i % 500)
                    .putDouble(4, i == alteredFrame ? 900 : 250 + i % 7).commit();
            }
        }
        finally
        {
            pipeline.close();
        }
    }
}
