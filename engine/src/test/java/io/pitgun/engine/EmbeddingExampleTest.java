package io.pitgun.engine;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.manifest.ManifestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the example of {@code docs/embedding.md} and checks the doc quotes it verbatim. */
class EmbeddingExampleTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRunTheDocumentedExample() throws ManifestException
    {
        final EmbeddingExample.Result result = EmbeddingExample.run(Manifests.path("lap-power.yaml"),
            dir.resolve("journal"));
        assertTrue(result.journaled());
        assertEquals(10_000, result.derivedFrames());
        assertEquals(3, result.insights(), "two lap summaries and a session summary");

        final TelemetryPipeline replay = TelemetryPipeline.builder().manifest(Manifests.path("lap-power.yaml"))
            .config(PipelineConfig.builder().outputDigest(true).ackMode(AckMode.ACCEPTED).build()).build();
        try (Journal journal = Journal.open(JournalConfig.readOnly(dir.resolve("journal"))))
        {
            JournalReplayer.replay(journal, replay, null);
        }
        finally
        {
            replay.close();
        }
        assertEquals(result.outputSha256(), replay.outputDigest().orElseThrow());
    }

    @Test
    void shouldBeQuotedVerbatimInTheDocs() throws IOException
    {
        final Path doc = Path.of("../docs/embedding.md");
        final Path source = Path.of("src/test/java/io/pitgun/engine/EmbeddingExample.java");
        final String code = Files.readString(source, StandardCharsets.UTF_8);
        final String example = code.substring(code.indexOf('\n', code.indexOf("[start:example]")) + 1,
            code.indexOf("    // --8<-- [end:example]"));
        assertTrue(Files.readString(doc, StandardCharsets.UTF_8).contains(example),
            "docs/embedding.md must quote EmbeddingExample.run as it is");
    }
}
