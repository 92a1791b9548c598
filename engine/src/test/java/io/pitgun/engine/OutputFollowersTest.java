package io.pitgun.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outputs that follow the journal are started through providers on the class path; here (the engine's own
 * tests) neither {@code storage} nor {@code sinks-db} is on it, so a pipeline with one of their settings must refuse
 * to build rather than run without the output it was asked for.
 */
class OutputFollowersTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "output.parquet, io.pitgun:pitgun-storage (module storage)",
        "output.questdb, io.pitgun:pitgun-sinks-db (module sinks-db)",
        "output.postgres, io.pitgun:pitgun-sinks-db (module sinks-db)"})
    void shouldRefuseToBuildAPipelineWhoseOutputHasNoProviderOnTheClassPath(final String key, final String artifact)
    {
        final Path journal = dir.resolve("journal");
        final PipelineConfig config = withOutput(PipelineConfig.builder().journalDirectory(journal), key).build();

        final PipelineConfigException ex = assertThrows(PipelineConfigException.class, () -> TelemetryPipeline.builder()
            .manifest(Manifests.compile("lap-power.yaml")).config(config).build());

        assertEquals(key, ex.key());
        assertTrue(ex.getMessage().startsWith(key + " is set, but no provider of it is on the class path: add the " +
            "artifact " + artifact), ex.getMessage());
        assertFalse(Files.exists(journal), "refused before the journal was opened or any thread started");
    }

    @Test
    void shouldRefuseAnOutputThatFollowsTheJournalInAPipelineWithoutOne()
    {
        final PipelineConfig config = withOutput(PipelineConfig.builder().journalDirectory(null)
            .ackMode(AckMode.ACCEPTED), "output.parquet").build();

        final PipelineConfigException ex = assertThrows(PipelineConfigException.class, () -> TelemetryPipeline.builder()
            .manifest(Manifests.compile("lap-power.yaml")).config(config).build());

        assertEquals("output.parquet: follows the journal: the pipeline needs journal.directory", ex.getMessage());
    }

    @Test
    void shouldLeaveTheOutputsOutOfAReplayOfTheJournal() throws Exception
    {
        // A replay is not the journal's writer: the outputs it was written with are not its to start (nor refuse).
        final PipelineConfig written = withOutput(withOutput(withOutput(PipelineConfig.builder()
            .journalDirectory(dir.resolve("journal")), "output.parquet"), "output.questdb"), "output.postgres").build();
        final PipelineConfig replay = JournalReplayer.replayConfig(written, null);

        assertTrue(replay.parquetDirectory().isEmpty() && replay.questDb().isEmpty() && replay.postgresUrl().isEmpty());
        try (TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(replay).build())
        {
            assertTrue(pipeline.outputFollowers().isEmpty());
        }
    }

    private PipelineConfig.Builder withOutput(final PipelineConfig.Builder builder, final String key)
    {
        switch (key)
        {
            case "output.parquet": return builder.parquetDirectory(dir.resolve("parquet"));
            case "output.questdb": return builder.questDb("http::addr=127.0.0.1:9;");
            default: return builder.postgresUrl("jdbc:postgresql://127.0.0.1:9/pitgun?user=pitgun");
        }
    }
}
