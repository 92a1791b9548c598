package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #14 point 1 through the real pipeline: batched sources (one envelope of several frames per source, arriving
 * one after the other) merge by event-time window, not by arrival order, and late frames are counted and passed
 * through unmerged.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MergeScenarioTest
{
    private static final UUID SESSION = UUID.fromString("0b0e4e1c-3a8f-4d43-9a55-6c1d2b7f0a11");
    private static final UUID PRODUCER = UUID.fromString("7d16dde5-88a6-4b47-8cd8-c711601cd61f");
    private static final int POWER = 32_768;

    static CompiledManifest manifest(final long windowUs, final String maxLateness) throws ManifestException
    {
        return ManifestCompiler.compile(ManifestLoader.parse(Path.of("merge.yaml"), String.join("\n",
            "version: v1",
            "name: merge-scenario",
            "pipeline:",
            "  - type: merge",
            "    sources: [0, 1]",
            "    window_us: " + windowUs,
            maxLateness == null ? "" : "    max_lateness_us: " + maxLateness,
            "  - type: formula",
            "    derived_channels:",
            "      - { name: Power_kW, expr: \"Torque_Nm * Engine_RPM / 9549.0\", unit: kW }",
            "")), ParameterRegistry.simV1());
    }

    private static TelemetryPipeline pipeline(final CompiledManifest manifest) throws ManifestException
    {
        return TelemetryPipeline.builder().manifest(manifest)
            .config(PipelineConfig.builder().channelCapacity(256).ackMode(AckMode.ACCEPTED).build()).build();
    }

    @Test
    void shouldMergeTwoBatchedEnvelopesHalfAMillisecondApart() throws ManifestException
    {
        // window 2 ms: [10 000, 12 000) and [12 000, 14 000). The car's envelope (4 frames, 500 us apart, torque)
        // arrives first; the box's envelope (4 frames, 500 us earlier each, RPM) arrives after it.
        final TelemetryPipeline pipeline = pipeline(manifest(2_000, null));
        final Subscription subscription = pipeline.subscribe("merge");
        try
        {
            final FrameWriter car = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final FrameWriter box = pipeline.newFrameWriter(SESSION, PRODUCER, 1);
            for (int i = 0; i < 4; i++)
            {
                car.begin(i, 10_500 + 500L * i).putDouble(SyntheticRun.TORQUE, 300 + i).commit();
            }
            for (int i = 0; i < 4; i++)
            {
                box.begin(i, 10_000 + 500L * i).putLong(SyntheticRun.ENGINE_RPM, 9_549).commit();
            }
        }
        finally
        {
            pipeline.close();
        }
        final List<DecodedFrames.Out> frames = DecodedFrames.drain(subscription);

        assertEquals(2, frames.size(), frames.toString());
        final DecodedFrames.Out first = frames.get(0);
        assertEquals(10_000, first.timestampUs(), "a merged frame carries its window's start");
        assertEquals(0, first.source(), "the header comes from the lowest source");
        assertTrue(first.has(SyntheticRun.TORQUE) && first.has(SyntheticRun.ENGINE_RPM), first.toString());
        assertTrue(first.has(POWER), "the channel derived from both sources exists: " + first);
        assertEquals(302.0, first.doubleValue(POWER), 1e-9, "the car's last torque in the window, RPM 9549");
        final DecodedFrames.Out second = frames.get(1);
        assertEquals(12_000, second.timestampUs());
        assertFalse(second.has(POWER), "only the car in [12 000, 14 000): no power");
        assertEquals(7, pipeline.counters().get(PipelineCounter.FRAMES_MERGED),
            "3 car + 4 box frames shared a window; the car's frame at 12 000 merged with no other source");
        assertEquals(0, pipeline.counters().get(PipelineCounter.FRAMES_LATE));
    }

    @Test
    void shouldCountLateFramesAndPassThemThroughUnmerged() throws ManifestException
    {
        // window 1 ms, lateness 2 ms: the car at 13 000 pushes the watermark to 11 000, closing [10 000, 11 000)
        final TelemetryPipeline pipeline = pipeline(manifest(1_000, "2000"));
        final Subscription subscription = pipeline.subscribe("merge");
        try
        {
            final FrameWriter car = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final FrameWriter box = pipeline.newFrameWriter(SESSION, PRODUCER, 1);
            car.begin(1, 10_100).putDouble(SyntheticRun.TORQUE, 100).commit();
            car.begin(2, 13_000).putDouble(SyntheticRun.TORQUE, 200).commit();
            // 10 900 is 2 100 us behind the newest frame: more than max_lateness_us, its window was emitted
            box.begin(1, 10_900).putLong(SyntheticRun.ENGINE_RPM, 9_549).commit();
            // 11 500 is 1 500 us behind: within the bound, merged
            box.begin(2, 11_500).putLong(SyntheticRun.ENGINE_RPM, 9_549).commit();
        }
        finally
        {
            pipeline.close();
        }
        final List<DecodedFrames.Out> frames = DecodedFrames.drain(subscription);

        assertEquals(4, frames.size(), frames.toString());
        assertEquals(List.of(10_000L, 10_900L, 11_000L, 13_000L),
            frames.stream().map(DecodedFrames.Out::timestampUs).toList(),
            "[10 000, 11 000) when the car passed 13 000, then the late frame as it came, then the rest at close");
        final DecodedFrames.Out late = frames.get(1);
        assertEquals(1, late.source());
        assertEquals(0, late.flags() & FrameDescriptor.FLAG_MERGED, "a late frame is passed through unmerged");
        assertEquals(1, pipeline.counters().get(PipelineCounter.FRAMES_LATE));
        assertEquals(0, pipeline.counters().get(PipelineCounter.FRAMES_MERGED), "no window held two sources");
        assertEquals(4, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
    }
}
