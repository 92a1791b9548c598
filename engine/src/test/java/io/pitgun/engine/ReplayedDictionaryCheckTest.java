package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.testsupport.SimV1Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline replays a journal's frames only under the dictionary they were written with (the journal's
 * {@code ManifestLoaded} names it): its access levels decide what the outputs leave out. Before, a hive or a replay
 * with the default sim.v1 judged another dictionary's frames by sim.v1's levels.
 */
class ReplayedDictionaryCheckTest
{
    private static final SyntheticRun RUN = new SyntheticRun(1, 2_000, 1_000);

    @TempDir
    Path dir;

    @Test
    void shouldRefuseFramesWrittenWithAnotherDictionaryAndReplayThoseOfItsOwn() throws Exception
    {
        final ParameterRegistry team = ParameterRegistry.load(SimV1Variant.write(dir.resolve("team.v1.yaml"),
            "team.v1"));
        final Path teamManifestFile = dir.resolve("lap-power-team.yaml");
        Files.writeString(teamManifestFile, "dictionary: team.v1\n" + Files.readString(Manifests.path("lap-power.yaml")),
            StandardCharsets.UTF_8);
        final CompiledManifest teamManifest = ManifestCompiler.compile(ManifestLoader.load(teamManifestFile), team);
        final Path journalDir = dir.resolve("journal");
        final TelemetryPipeline live = TelemetryPipeline.builder().name("live").manifest(teamManifest).dictionary(team)
            .config(PipelineConfig.builder().journalDirectory(journalDir).ackMode(AckMode.JOURNALED).build()).build();
        try
        {
            assertTrue(live.awaitJournaled(RUN.publish(live), TimeUnit.SECONDS.toNanos(60)));
        }
        finally
        {
            live.close();
        }

        final Path simOut = dir.resolve("sim.jsonl");
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> replay(journalDir, Manifests.compile("lap-power.yaml"), simOut));
        assertTrue(refused.getMessage().contains("the journal's frames from here on were written with dictionary " +
            "'team.v1', not 'sim.v1' (this pipeline's)"), refused.getMessage());
        assertFalse(Files.exists(simOut) && Files.size(simOut) > 0, "nothing derived under sim.v1");

        final Path teamOut = dir.resolve("team.jsonl");
        assertTrue(replay(journalDir, teamManifest, teamOut) > RUN.totalFrames(), "replayed under its own dictionary");
        assertTrue(Files.size(teamOut) > 0);
    }

    /**
     * The same name is not enough: {@code team.v1} edited under its own name (Engine_RPM public again) does not
     * replay frames journaled while Engine_RPM was restricted. Before, the names matched and the replay's outputs
     * judged those frames by the edited levels.
     */
    @Test
    void shouldRefuseFramesWrittenWithTheDictionaryBeforeItWasEditedUnderItsOwnName() throws Exception
    {
        final ParameterRegistry team = ParameterRegistry.load(SimV1Variant.write(dir.resolve("team.v1.yaml"),
            "team.v1", "Engine_RPM"));
        final ParameterRegistry edited = ParameterRegistry.load(SimV1Variant.write(dir.resolve("edited.yaml"),
            "team.v1"));
        final Path journalDir = dir.resolve("journal");
        final TelemetryPipeline live = TelemetryPipeline.builder().name("live").manifest(teamManifest(team))
            .dictionary(team)
            .config(PipelineConfig.builder().journalDirectory(journalDir).ackMode(AckMode.JOURNALED).build()).build();
        try
        {
            assertTrue(live.awaitJournaled(RUN.publish(live), TimeUnit.SECONDS.toNanos(60)));
        }
        finally
        {
            live.close();
        }

        final Path editedOut = dir.resolve("edited.jsonl");
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> replay(journalDir, teamManifest(edited), editedOut));
        assertTrue(refused.getMessage().contains("the journal's frames from here on were written with dictionary " +
            "'team.v1' meaning other channels (meaning SHA-256 " + team.meaningSha256Hex() + ") than 'team.v1' " +
            "(this pipeline's, meaning SHA-256 " + edited.meaningSha256Hex() + "): edited under the same name"),
            refused.getMessage());
        assertFalse(Files.exists(editedOut) && Files.size(editedOut) > 0, "nothing derived under the edited one");
        assertTrue(replay(journalDir, teamManifest(team), dir.resolve("team.jsonl")) > RUN.totalFrames());
    }

    private CompiledManifest teamManifest(final ParameterRegistry team) throws Exception
    {
        final Path file = dir.resolve("lap-power-team.yaml");
        Files.writeString(file, "dictionary: team.v1\n" + Files.readString(Manifests.path("lap-power.yaml")),
            StandardCharsets.UTF_8);
        return ManifestCompiler.compile(ManifestLoader.load(file), team);
    }

    private static long replay(final Path journalDir, final CompiledManifest manifest, final Path out)
        throws ManifestException
    {
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
        {
            final TelemetryPipeline replay = TelemetryPipeline.builder().name("replay").manifest(manifest)
                .dictionary(manifest.registry())
                .config(JournalReplayer.replayConfig(PipelineConfig.defaults(), out)).build();
            try
            {
                return JournalReplayer.replay(journal, replay, null);
            }
            finally
            {
                replay.close();
            }
        }
    }
}
