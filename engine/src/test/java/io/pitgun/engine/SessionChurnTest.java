package io.pitgun.engine;

import io.pitgun.manifest.ManifestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A game server opens and closes hundreds of sessions an hour: many more (session, source) streams over a
 * pipeline's life than {@code max_sources} allows at once must each be processed, and close() must still return.
 */
class SessionChurnTest
{
    private static final int SESSIONS = 400; // 25 times max_sources, 12.5 times the table's cells
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldProcessEveryOneOfManyMoreSessionsThanMaxSources() throws ManifestException
    {
        final PipelineConfig config = PipelineConfig.builder().journalDirectory(dir).maxSources(16).build();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder()
            .manifest(Manifests.compile("lap-power.yaml")).config(config).build();
        try
        {
            final UUID producer = SyntheticRun.producerId();
            for (int session = 0; session < SESSIONS; session++)
            {
                final long t0 = SyntheticRun.START_US + session * 1_000_000L;
                final FrameWriter writer = pipeline.newFrameWriter(SyntheticRun.sessionId(session), producer, 0);
                writer.sessionStart(t0, "session " + session);
                writer.begin(1, t0 + 1_000).lapNumber(1).putDouble(SyntheticRun.SPEED, 100).commit();
                final long end = writer.sessionEnd(t0 + 2_000, "done");
                // Acknowledged like the gateway does: once journaled. The processing thread is the journal's, so a
                // processing thread stuck in a probe loop fails this within the timeout.
                assertTrue(pipeline.awaitJournaled(end, TIMEOUT_NS), "session " + session + " was not journaled");
            }
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(SESSIONS, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
        assertEquals(2L * SESSIONS, pipeline.counters().get(PipelineCounter.SESSION_MARKERS));
        assertEquals(0, pipeline.counters().get(PipelineCounter.DROPPED_TOO_MANY_SOURCES));
        assertEquals(0, pipeline.counters().get(PipelineCounter.STAGE_ERRORS));
    }
}
