package io.pitgun.engine;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A game server opens and closes hundreds of sessions an hour: many more (session, source) streams over a
 * pipeline's life than {@code max_sources} allows at once must each be processed, and close() must still return;
 * so must sessions whose producers went away without a {@code SessionEnd}, and a replay of the journal must end the
 * same idle streams at the same frames.
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

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldEndIdleStreamsOfSessionsThatNeverEndedToProcessNewOnesAndReplayTheSame() throws ManifestException
    {
        // Before: the first 16 sessions held every stream for good, and the frames of the other 184 were dropped.
        final Path journal = dir.resolve("journal");
        final PipelineConfig config = PipelineConfig.builder().journalDirectory(journal).maxSources(16)
            .outputDigest(true).build();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder()
            .manifest(Manifests.compile("lap-power.yaml")).config(config).build();
        final int framesPerSession = 3;
        try
        {
            final UUID producer = SyntheticRun.producerId();
            long last = -1;
            for (int session = 0; session < SESSIONS / 2; session++)
            {
                final long t0 = SyntheticRun.START_US + session * 10_000_000L; // a session every 10 s
                final FrameWriter writer = pipeline.newFrameWriter(SyntheticRun.sessionId(session), producer, 0);
                writer.sessionStart(t0, "abandoned " + session);
                for (int frame = 1; frame <= framesPerSession; frame++)
                {
                    last = writer.begin(frame, t0 + frame * 1_000L).lapNumber(1)
                        .putDouble(SyntheticRun.SPEED, 100 + frame).commit();
                }
                // no sessionEnd: the producer went away
            }
            assertTrue(pipeline.awaitJournaled(last, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        final int ended = SESSIONS / 2 - 16;
        assertEquals((long)framesPerSession * SESSIONS / 2, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
        assertEquals(0, pipeline.counters().get(PipelineCounter.DROPPED_TOO_MANY_SOURCES));
        assertEquals(ended, pipeline.counters().get(PipelineCounter.STREAMS_ENDED_IDLE));
        assertEquals(2L * 16, pipeline.counters().get(PipelineCounter.INSIGHTS),
            "a lap and a session summary of the 16 streams live at close; an idle stream ends without them");

        final TelemetryPipeline replay;
        try (Journal read = Journal.open(JournalConfig.readOnly(journal)))
        {
            replay = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
                .config(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).maxSources(16).outputDigest(true).build())
                .build();
            JournalReplayer.replay(read, replay, null);
            replay.close();
        }
        assertEquals(ended, replay.counters().get(PipelineCounter.STREAMS_ENDED_IDLE));
        assertEquals(pipeline.outputDigest().orElseThrow(), replay.outputDigest().orElseThrow(),
            "the replay ends the same streams at the same frames");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseOneStreamTooManyRatherThanEndLiveStreamsInTurn() throws ManifestException
    {
        // 17 streams sending bursts of three frames in turn, a round a second, with max_sources 16: no stream's
        // newest frame is ever 60 s older than another's, so the 17th is refused, counted, and no live stream is cut
        // short. (Idleness counted in arrivals ended them in turn: bursts made every stream look idle.)
        final PipelineConfig config = PipelineConfig.builder().journalDirectory(dir).maxSources(16).build();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder()
            .manifest(Manifests.compile("lap-power.yaml")).config(config).build();
        final int streams = 17;
        final int rounds = 100;
        final int burst = 3;
        try
        {
            final UUID producer = SyntheticRun.producerId();
            final FrameWriter[] writers = new FrameWriter[streams];
            for (int i = 0; i < streams; i++)
            {
                writers[i] = pipeline.newFrameWriter(SyntheticRun.sessionId(i), producer, 0);
            }
            long last = -1;
            for (int round = 1; round <= rounds; round++)
            {
                for (final FrameWriter writer : writers)
                {
                    for (int frame = 0; frame < burst; frame++)
                    {
                        last = writer.begin(round * burst + frame, SyntheticRun.START_US + round * 1_000_000L + frame)
                            .lapNumber(1).putDouble(SyntheticRun.SPEED, 100).commit();
                    }
                }
            }
            assertTrue(pipeline.awaitJournaled(last, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(0, pipeline.counters().get(PipelineCounter.STREAMS_ENDED_IDLE));
        assertEquals(16L * rounds * burst, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
        assertEquals((long)rounds * burst, pipeline.counters().get(PipelineCounter.DROPPED_TOO_MANY_SOURCES));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldEndIdleMergeSessionsThatNeverEndedAndReplayTheSame() throws Exception
    {
        // A merge stage holds max_sources sessions: before, the first 8 held them for good and every later
        // session's merged frames were dropped.
        final CompiledManifest merging = ManifestCompiler.compile(ManifestLoader.parse(Path.of("merge.yaml"),
            String.join("\n", "version: v1", "name: merge-idle", "pipeline:", "  - type: merge",
                "    sources: [0, 1]", "    window_us: 2000", "  - type: formula", "    derived_channels:",
                "      - { name: Double_Speed, expr: \"Speed * 2\", unit: km/h }", "")),
            io.pitgun.codecs.dictionary.ParameterRegistry.simV1());
        final Path journal = dir.resolve("merge-journal");
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(merging).config(PipelineConfig.builder()
            .journalDirectory(journal).maxSources(8).outputDigest(true).build()).build();
        final int sessions = 50;
        try
        {
            final UUID producer = SyntheticRun.producerId();
            long last = -1;
            for (int session = 0; session < sessions; session++)
            {
                final long t0 = SyntheticRun.START_US + session * 10_000_000L;
                final UUID id = SyntheticRun.sessionId(session);
                final FrameWriter car = pipeline.newFrameWriter(id, producer, 0);
                final FrameWriter box = pipeline.newFrameWriter(id, producer, 1);
                for (int frame = 1; frame <= 4; frame++)
                {
                    car.begin(frame, t0 + frame * 5_000L).putDouble(SyntheticRun.SPEED, 100 + frame).commit();
                    last = box.begin(frame, t0 + frame * 5_000L + 100).putDouble(SyntheticRun.BRAKE, frame).commit();
                }
            }
            assertTrue(pipeline.awaitJournaled(last, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(0, pipeline.counters().get(PipelineCounter.DROPPED_TOO_MANY_SOURCES));
        assertEquals(4L * sessions, pipeline.counters().get(PipelineCounter.DERIVED_FRAMES), "one per window");
        assertEquals(2L * sessions * 4, pipeline.counters().get(PipelineCounter.FRAMES_MERGED));
        // Each idle session's merge session and its stream (a session's last window, emitted when its merge session
        // ends, may find its stream already ended: the window starts it again, to be ended once more).
        assertTrue(pipeline.counters().get(PipelineCounter.STREAMS_ENDED_IDLE) >= 2L * (sessions - 8),
            () -> "ended idle: " + pipeline.counters().get(PipelineCounter.STREAMS_ENDED_IDLE));

        final TelemetryPipeline replay;
        try (Journal read = Journal.open(JournalConfig.readOnly(journal)))
        {
            replay = TelemetryPipeline.builder().manifest(merging).config(PipelineConfig.builder()
                .ackMode(AckMode.ACCEPTED).maxSources(8).outputDigest(true).build()).build();
            JournalReplayer.replay(read, replay, null);
            replay.close();
        }
        assertEquals(pipeline.outputDigest().orElseThrow(), replay.outputDigest().orElseThrow());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldLetAMergeSessionInOnceItsOwnClockPassesTheTimeoutWhenFarFutureSessionsFillTheMergeStage()
        throws Exception
    {
        // Before: four merge sessions of one frame each stamped 2^53 - 1 held the merge stage's places for good (no
        // frame is ever 60 s newer than that), and every frame of a later session was dropped.
        final CompiledManifest merging = ManifestCompiler.compile(ManifestLoader.parse(Path.of("merge.yaml"),
            String.join("\n", "version: v1", "name: merge-far-future", "pipeline:", "  - type: merge",
                "    sources: [0, 1]", "    window_us: 2000", "  - type: formula", "    derived_channels:",
                "      - { name: Double_Speed, expr: \"Speed * 2\", unit: km/h }", "")),
            io.pitgun.codecs.dictionary.ParameterRegistry.simV1());
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(merging).config(PipelineConfig.builder()
            .journalDirectory(dir).maxSources(4).build()).build();
        final int rounds = 140; // a car and a box frame every 0.5 s of the honest session's clock: 70 s
        try
        {
            final UUID producer = SyntheticRun.producerId();
            for (int session = 0; session < 4; session++)
            {
                pipeline.newFrameWriter(SyntheticRun.sessionId(100 + session), producer, 0)
                    .begin(1, (1L << 53) - 1).putDouble(SyntheticRun.SPEED, 1).commit();
            }
            final UUID honest = SyntheticRun.sessionId(1);
            final FrameWriter car = pipeline.newFrameWriter(honest, producer, 0);
            final FrameWriter box = pipeline.newFrameWriter(honest, producer, 1);
            long last = -1;
            for (int round = 0; round < rounds; round++)
            {
                final long t = SyntheticRun.START_US + round * 500_000L;
                car.begin(round, t).putDouble(SyntheticRun.SPEED, 100).commit();
                last = box.begin(round, t + 100).putDouble(SyntheticRun.BRAKE, 1).commit();
            }
            assertTrue(pipeline.awaitJournaled(last, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(2L * (rounds - 120), pipeline.counters().get(PipelineCounter.FRAMES_MERGED),
            "merged from the car's frame of round 120, when its own clock had advanced 60 s");
        // One silent merge session ended for the honest one; at the end of the stream the other three sessions'
        // windows are emitted, and the manifest stage, holding four streams (max_sources), takes the last far-future
        // one in place of the honest session's stream, whose newest frame is far older (the frame-time rule: a
        // clock stamped far ahead makes the others look idle when the table is full).
        assertEquals(2, pipeline.counters().get(PipelineCounter.STREAMS_ENDED_IDLE));
        // The 240 frames of rounds 0-119.
        assertEquals(2L * 120, pipeline.counters().get(PipelineCounter.DROPPED_TOO_MANY_SOURCES));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldWriteEachInsightIdOnceWhenAStreamEndedIdleComesBack() throws Exception
    {
        // A pauses for longer than the idle timeout while the table is full and is ended; it comes back in the same
        // lap. Writing its summaries when it ended gave two lap and two session summaries with the same insight ids
        // (a database keeping one of each kept part of the lap).
        final TelemetryPipeline pipeline = TelemetryPipeline.builder()
            .manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().journalDirectory(dir).maxSources(2).subscriberBufferBytes(8 << 20).build())
            .build();
        final Subscription subscription = pipeline.subscribe("insights");
        try
        {
            final UUID producer = SyntheticRun.producerId();
            final long t0 = SyntheticRun.START_US;
            final FrameWriter a = pipeline.newFrameWriter(SyntheticRun.sessionId(1), producer, 0);
            final FrameWriter b = pipeline.newFrameWriter(SyntheticRun.sessionId(2), producer, 0);
            final FrameWriter c = pipeline.newFrameWriter(SyntheticRun.sessionId(3), producer, 0);
            for (int s = 0; s < 10; s++)
            {
                a.begin(s, t0 + s * 1_000_000L).lapNumber(1).putDouble(SyntheticRun.SPEED, 100).commit();
            }
            for (int s = 0; s <= 7; s++)
            {
                b.begin(s, t0 + s * 10_000_000L).lapNumber(1).putDouble(SyntheticRun.SPEED, 100).commit();
            }
            c.begin(0, t0 + 70_000_000L).lapNumber(1).putDouble(SyntheticRun.SPEED, 100).commit(); // A is idle
            b.sessionEnd(t0 + 70_000_000L, "done");
            long last = -1;
            for (int s = 71; s < 90; s++)
            {
                last = a.begin(s, t0 + s * 1_000_000L).lapNumber(1).putDouble(SyntheticRun.SPEED, 100).commit();
            }
            assertTrue(pipeline.awaitJournaled(last, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(1, pipeline.counters().get(PipelineCounter.STREAMS_ENDED_IDLE));
        final List<String> ids = new ArrayList<>();
        for (final String insight : SubscribedInsights.drain(subscription))
        {
            ids.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(insight).get("insight_id").asText());
        }
        assertEquals(6, ids.size(), "a lap and a session summary each of A (after it came back), B and C");
        assertEquals(new HashSet<>(ids).size(), ids.size(), "no insight id twice: " + ids);
    }
}
