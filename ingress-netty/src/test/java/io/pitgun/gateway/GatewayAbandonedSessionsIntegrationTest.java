package io.pitgun.gateway;

import io.pitgun.engine.AckMode;
import io.pitgun.engine.JournalReplayer;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.engine.PipelineCounters;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Producers that go away without a {@code session.end} (a crash, a game quit from its menu) over a gateway's life:
 * before, the first {@code max_sources} (64) such sessions held every stream for good, and the frames of every later
 * session were acknowledged and journaled but never processed (counted as dropped: too many sources). The idlest
 * stream now ends to make room for a new one; also when the sessions holding every place were stamped far ahead
 * (then once an honest session's own clock has advanced the timeout).
 */
class GatewayAbandonedSessionsIntegrationTest
{
    private static final int SESSIONS = PipelineConfig.DEFAULT_MAX_SOURCES + 16;
    private static final int FRAMES = 3;

    @TempDir
    Path dir;

    @Test
    void shouldKeepProcessingNewSessionsAfterMaxSourcesSessionsNeverEnded() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"), Map.of()))
        {
            for (int session = 0; session < SESSIONS; session++)
            {
                final long t0 = 1_700_000_000_000_000L + session * 1_000_000L; // a second apart: 60 s makes one idle
                assertEquals(202, gateway.beacon(EnvelopeJson.batch(UUID.randomUUID(), "2024-01-01T00:00:00Z",
                    UUID.randomUUID(), 0, FRAMES, 1, sequence -> t0 + sequence * 1_000)).statusCode());
            }
            Await.until("every frame processed",
                () -> gateway.metric("pitgun_frames_processed_total") == (long)SESSIONS * FRAMES);
            assertEquals(0, gateway.metric("pitgun_frames_dropped_too_many_sources_total"));
            assertEquals(SESSIONS - PipelineConfig.DEFAULT_MAX_SOURCES,
                gateway.metric("pitgun_streams_ended_idle_total"));
        }
    }

    /**
     * MAX_SOURCES (--max-sources) bounds the gateway's streams: with 2, a third session that is not ended while the
     * first two are not idle (its frames 2 s after theirs, well within the default 60 s) has its frames refused,
     * counted as dropped (too many sources). Before, the gateway had no such setting: it always held 64.
     */
    @Test
    void shouldRefuseTheFramesOfASessionBeyondMaxSourcesWhileTheOthersAreNotIdle() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.MAX_SOURCES, "2")))
        {
            sendThreeSessions(gateway);
            Await.until("the third session's frames dropped",
                () -> gateway.metric("pitgun_frames_dropped_too_many_sources_total") == FRAMES);
            assertEquals(2 * FRAMES, gateway.metric("pitgun_frames_processed_total"));
            assertEquals(0, gateway.metric("pitgun_streams_ended_idle_total"));
        }
    }

    /**
     * STREAM_IDLE_TIMEOUT (--stream-idle-timeout) says when a stream is idle: with 1 s, the same three sessions as
     * above (the third's frames 2 s after the first's) end the idlest stream to make room, and every frame is
     * processed. Before, the gateway had no such setting: it always waited 60 s of the frames' time.
     */
    @Test
    void shouldLetANewSessionTakeTheIdlestPlaceAfterAShortStreamIdleTimeout() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dir.resolve("data"),
            Map.of(GatewaySetting.MAX_SOURCES, "2", GatewaySetting.STREAM_IDLE_TIMEOUT, "1s")))
        {
            sendThreeSessions(gateway);
            Await.until("every frame processed",
                () -> gateway.metric("pitgun_frames_processed_total") == 3 * FRAMES);
            assertEquals(0, gateway.metric("pitgun_frames_dropped_too_many_sources_total"));
            assertEquals(1, gateway.metric("pitgun_streams_ended_idle_total"));
        }
    }

    /** Three sessions, none ended, their frames at 0 s, 0.5 s and 2 s (the frames' own timestamp_us). */
    private static void sendThreeSessions(final GatewayHarness gateway) throws Exception
    {
        final long[] startsUs = {0, 500_000L, 2_000_000L};
        for (final long startUs : startsUs)
        {
            final long t0 = 1_700_000_000_000_000L + startUs;
            assertEquals(202, gateway.beacon(EnvelopeJson.batch(UUID.randomUUID(), "2024-01-01T00:00:00Z",
                UUID.randomUUID(), 0, FRAMES, 1, sequence -> t0 + sequence * 1_000)).statusCode());
        }
    }

    /**
     * Four one-frame sessions stamped 2^53 - 1 fill MAX_SOURCES 4; an honest session sending a frame per POST, its
     * own timestamps 0.5 s apart, is refused until its own clock has advanced STREAM_IDLE_TIMEOUT (1 s: its third
     * frame), then ends a silent session and is processed. Before: no honest frame was ever 1 s newer than
     * 2^53 - 1, so every later stream's frames were refused for the process's life. The journal replays the same.
     */
    @Test
    void shouldLetAnHonestSessionInAfterFarFutureSessionsFilledMaxSources() throws Exception
    {
        final Path data = dir.resolve("data");
        final long honestFrames = 6;
        final long[] live;
        final CompiledManifest manifest;
        final GatewayHarness gateway = new GatewayHarness(data,
            Map.of(GatewaySetting.MAX_SOURCES, "4", GatewaySetting.STREAM_IDLE_TIMEOUT, "1s"));
        try (gateway)
        {
            manifest = gateway.server.pipeline().manifest();
            for (int session = 0; session < 4; session++)
            {
                assertEquals(202, gateway.beacon(EnvelopeJson.batch(UUID.randomUUID(), "2024-01-01T00:00:00Z",
                    UUID.randomUUID(), 0, 1, 1, sequence -> (1L << 53) - 1)).statusCode());
            }
            final UUID honest = UUID.randomUUID();
            final long t0 = 1_700_000_000_000_000L;
            for (long frame = 0; frame < honestFrames; frame++)
            {
                assertEquals(202, gateway.beacon(EnvelopeJson.batch(UUID.randomUUID(), "2024-01-01T00:00:00Z",
                    honest, frame, 1, 1, sequence -> t0 + sequence * 500_000L)).statusCode());
            }
            Await.until("the honest session's frames from its third on processed",
                () -> gateway.metric("pitgun_frames_processed_total") == 4 + (honestFrames - 2));
            assertEquals(2, gateway.metric("pitgun_frames_dropped_too_many_sources_total"),
                "its first two frames: its own clock had advanced 0.5 s");
            assertEquals(1, gateway.metric("pitgun_streams_ended_idle_total"));
        }
        live = counts(gateway.server.pipeline().counters());
        assertArrayEquals(live, replay(data, manifest), "the journal replays to the same decisions");
    }

    private static long[] counts(final PipelineCounters counters)
    {
        return new long[] {counters.get(PipelineCounter.FRAMES_PROCESSED),
            counters.get(PipelineCounter.DROPPED_TOO_MANY_SOURCES), counters.get(PipelineCounter.STREAMS_ENDED_IDLE),
            counters.get(PipelineCounter.INSIGHTS)};
    }

    /** Processed, dropped, ended idle and insights of a replay of the gateway's journal with its settings. */
    private static long[] replay(final Path data, final CompiledManifest manifest) throws Exception
    {
        try (Journal read = Journal.open(JournalConfig.readOnly(data.resolve("journal"))))
        {
            final TelemetryPipeline replay = TelemetryPipeline.builder().manifest(manifest)
                .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).maxSources(4)
                    .streamIdleTimeoutUs(1_000_000L).build())
                .build();
            JournalReplayer.replay(read, replay, null);
            replay.close();
            return counts(replay.counters());
        }
    }
}
