package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A merged stream the stream table ends as idle to make room for a new stream: the windows the merge stage still
 * holds for its session are emitted into it first, as at its {@code SessionEnd}, rather than emitted later into a
 * full table and dropped as {@code DROPPED_TOO_MANY_SOURCES}; a replay of the journal derives the same.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MergeIdleStreamTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final int CAR = 0;
    private static final int BOX = 1;
    /** Not merged: its frames pass straight through to the stream table. */
    private static final int PIT_WALL = 7;
    private static final int MERGED_SESSION = 1;

    @TempDir
    Path dir;

    private static CompiledManifest manifest() throws ManifestException
    {
        return ManifestCompiler.compile(ManifestLoader.parse(Path.of("merge.yaml"), String.join("\n",
            "version: v1", "name: merge-idle-stream", "pipeline:", "  - type: merge", "    sources: [0, 1]",
            "    window_us: 2000", "  - type: formula", "    derived_channels:",
            "      - { name: Double_Speed, expr: \"Speed * 2\", unit: km/h }", "")), ParameterRegistry.simV1());
    }

    private static PipelineConfig.Builder config()
    {
        return PipelineConfig.builder().maxSources(2).outputDigest(true).subscriberBufferBytes(1 << 20);
    }

    @Test
    void shouldEmitTheWindowsHeldForAStreamEndedIdleIntoItAndReplayTheSame() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final TelemetryPipeline live = TelemetryPipeline.builder().manifest(manifest())
            .config(config().journalDirectory(journal).build()).build();
        final Subscription liveOutput = live.subscribe("live");
        publish(live, false);
        final List<DecodedFrames.Out> liveFrames = DecodedFrames.drain(liveOutput);

        // The same frames with the merged session ended by its producer instead: what its stream should derive.
        final TelemetryPipeline ended = TelemetryPipeline.builder().manifest(manifest())
            .config(config().journalDirectory(dir.resolve("ended")).build()).build();
        final Subscription endedOutput = ended.subscribe("ended");
        publish(ended, true);
        final List<DecodedFrames.Out> endedFrames = DecodedFrames.drain(endedOutput);

        assertEquals(1, live.counters().get(PipelineCounter.STREAMS_ENDED_IDLE), "the merged stream, for C");
        assertEquals(0, live.counters().get(PipelineCounter.DROPPED_TOO_MANY_SOURCES),
            "the windows held when it ended: dropped at close, when the table held B and C");
        final List<DecodedFrames.Out> merged = ofSource(endedFrames, CAR);
        assertEquals(List.of(SyntheticRun.START_US, SyntheticRun.START_US + 2_000, SyntheticRun.START_US + 4_000),
            merged.stream().map(DecodedFrames.Out::timestampUs).toList(), "three windows, in order: " + merged);
        assertEquals(merged, ofSource(liveFrames, CAR), "as if the session had ended");
        assertEquals(List.of(CAR, PIT_WALL, CAR, CAR, PIT_WALL), liveFrames.stream().map(DecodedFrames.Out::source)
            .toList(), "the held windows come out when the stream ends, before C's frame");

        final TelemetryPipeline replay;
        try (Journal read = Journal.open(JournalConfig.readOnly(journal)))
        {
            replay = TelemetryPipeline.builder().manifest(manifest()).config(config().ackMode(AckMode.ACCEPTED).build())
                .build();
            final Subscription replayOutput = replay.subscribe("replay");
            JournalReplayer.replay(read, replay, null);
            replay.close();
            assertEquals(liveFrames, DecodedFrames.drain(replayOutput));
        }
        assertEquals(1, replay.counters().get(PipelineCounter.STREAMS_ENDED_IDLE));
        assertEquals(live.outputDigest().orElseThrow(), replay.outputDigest().orElseThrow());
    }

    @Test
    void shouldGoOnMergingASessionWhoseOwnWindowMadeTheTableEndItsOtherStream() throws Exception
    {
        // The car falls silent after 3 100 us, the box goes on 70 s later: its windows (the box alone) go to a stream
        // of their own, (session 1, box), and the first one's place is the car's stream, idle. The session is
        // merging the box's frame right then, not idle: flushed there, the frame went into a forgotten session.
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest())
            .config(config().journalDirectory(dir).build()).build();
        final Subscription output = pipeline.subscribe("live");
        final long t0 = SyntheticRun.START_US;
        final long later = t0 + 70_000_000L;
        try
        {
            final UUID producer = SyntheticRun.producerId();
            final FrameWriter car = pipeline.newFrameWriter(SyntheticRun.sessionId(MERGED_SESSION), producer, CAR);
            final FrameWriter box = pipeline.newFrameWriter(SyntheticRun.sessionId(MERGED_SESSION), producer, BOX);
            bothPastTheFirstWindow(car, box, t0);
            pipeline.newFrameWriter(SyntheticRun.sessionId(2), producer, PIT_WALL)
                .begin(1, later).putDouble(SyntheticRun.SPEED, 1).commit();
            box.begin(3, later).putDouble(SyntheticRun.BRAKE, 3).commit(); // emits the window at 2 000 (the car's)
            final long last = box.begin(4, later + 10_000).putDouble(SyntheticRun.BRAKE, 4).commit();
            assertTrue(pipeline.awaitJournaled(last, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
        final List<DecodedFrames.Out> frames = DecodedFrames.drain(output);
        assertEquals(List.of(t0, later, t0 + 2_000, later, later + 10_000),
            frames.stream().map(DecodedFrames.Out::timestampUs).toList(), frames.toString());
        assertEquals(List.of(CAR, PIT_WALL, CAR, BOX, BOX), frames.stream().map(DecodedFrames.Out::source).toList(),
            "the box's last window, emitted at close, is the session's still");
        assertEquals(1, pipeline.counters().get(PipelineCounter.STREAMS_ENDED_IDLE), "the car's stream");
        assertEquals(0, pipeline.counters().get(PipelineCounter.DROPPED_TOO_MANY_SOURCES));
    }

    /**
     * Session 1 merges the car and the box: the window at 0 is emitted once both pass 2 000 us, its stream starts;
     * the windows at 2 000 (both) and 4 000 (the car alone) stay open, the box being silent. 70 s later sessions 2
     * and 3 each send one frame of an unmerged source: with max_sources 2, session 3's ends session 1's stream as
     * idle, or (when {@code endMerged}) session 1 has ended before.
     */
    private static void publish(final TelemetryPipeline pipeline, final boolean endMerged)
    {
        try
        {
            final UUID producer = SyntheticRun.producerId();
            final long t0 = SyntheticRun.START_US;
            final FrameWriter car = pipeline.newFrameWriter(SyntheticRun.sessionId(MERGED_SESSION), producer, CAR);
            final FrameWriter box = pipeline.newFrameWriter(SyntheticRun.sessionId(MERGED_SESSION), producer, BOX);
            bothPastTheFirstWindow(car, box, t0);
            car.begin(3, t0 + 5_000).putDouble(SyntheticRun.SPEED, 103).commit();
            if (endMerged)
            {
                car.sessionEnd(t0 + 6_000, "done");
            }
            pipeline.newFrameWriter(SyntheticRun.sessionId(2), producer, PIT_WALL)
                .begin(1, t0 + 70_000_000L).putDouble(SyntheticRun.SPEED, 1).commit();
            final long last = pipeline.newFrameWriter(SyntheticRun.sessionId(3), producer, PIT_WALL)
                .begin(1, t0 + 70_000_000L).putDouble(SyntheticRun.SPEED, 2).commit();
            assertTrue(pipeline.awaitJournaled(last, TIMEOUT_NS));
        }
        finally
        {
            pipeline.close();
        }
    }

    /** The car and the box each send a frame in the windows at 0 and 2 000: the window at 0 is emitted. */
    private static void bothPastTheFirstWindow(final FrameWriter car, final FrameWriter box, final long t0)
    {
        car.begin(1, t0 + 1_000).putDouble(SyntheticRun.SPEED, 101).commit();
        box.begin(1, t0 + 1_100).putDouble(SyntheticRun.BRAKE, 1).commit();
        car.begin(2, t0 + 3_000).putDouble(SyntheticRun.SPEED, 102).commit();
        box.begin(2, t0 + 3_100).putDouble(SyntheticRun.BRAKE, 2).commit();
    }

    private static List<DecodedFrames.Out> ofSource(final List<DecodedFrames.Out> frames, final int source)
    {
        return frames.stream().filter(frame -> frame.source() == source).toList();
    }
}
