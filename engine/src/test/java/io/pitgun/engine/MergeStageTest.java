package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Frames of two sources whose timestamps fall in one tumbling window become one frame, with a deterministic tie-break. */
class MergeStageTest
{
    private static final UUID SESSION = UUID.fromString("53702b3e-3e56-41a2-8834-9169ee5e991e");
    private static final UUID PRODUCER = UUID.fromString("7d16dde5-88a6-4b47-8cd8-c711601cd61f");

    private static CompiledManifest manifest() throws ManifestException
    {
        return ManifestCompiler.compile(ManifestLoader.parse(Path.of("merge.yaml"), String.join("\n",
            "version: v1",
            "name: merge-test",
            "pipeline:",
            "  - type: merge",
            "    sources: [0, 1]",
            "    window_us: 2000",
            "  - type: formula",
            "    derived_channels:",
            "      - { name: Power_kW, expr: \"Torque_Nm * Engine_RPM / 9549.0\", unit: kW }",
            "")), ParameterRegistry.simV1());
    }

    /** One decoded output frame: timestamp, source, flags and its samples by id. */
    record Out(long timestampUs, int source, short flags, List<Long> ids, List<Double> values)
    {
    }

    @Test
    void shouldMergeSourcesWithinTheWindowLowestSourceWinningTies() throws ManifestException
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest()).build();
        final Subscription subscription = pipeline.subscribe("merge");
        try
        {
            final FrameWriter car = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final FrameWriter box = pipeline.newFrameWriter(SESSION, PRODUCER, 1);
            // window 1 starts at 10 000 us: box first (later tie loser), then the car
            box.begin(1, 10_000).putDouble(SyntheticRun.SPEED, 50).putDouble(SyntheticRun.TORQUE, 300).commit();
            car.begin(1, 10_500).putLong(SyntheticRun.ENGINE_RPM, 9_549).putDouble(SyntheticRun.SPEED, 120).commit();
            // 11 999 us is still inside [10 000, 12 000)
            box.begin(2, 11_999).putDouble(SyntheticRun.BRAKE, 40).commit();
            // 12 000 us is in the next tumbling window [12 000, 14 000); window 1 stays open until the box passes
            // 12 000 (or the car passes 12 000 + max_lateness_us) or the stream ends
            car.begin(2, 12_000).putLong(SyntheticRun.ENGINE_RPM, 5_000).commit();
            // a source outside the merge passes straight through
            pipeline.newFrameWriter(SESSION, PRODUCER, 7).begin(1, 12_100).putDouble(SyntheticRun.SPEED, 10).commit();
        }
        finally
        {
            pipeline.close();
        }
        final List<Out> frames = new ArrayList<>();
        subscription.poll(new SubscriptionHandler()
        {
            private final MessageHeaderDecoder header = new MessageHeaderDecoder();
            private final TelemetryFrameDecoder frame = new TelemetryFrameDecoder();

            @Override
            public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
            {
                frame.wrapAndApplyHeader(buffer, offset, header);
                final List<Long> ids = new ArrayList<>();
                final List<Double> values = new ArrayList<>();
                final long t = frame.timestampUs();
                final int source = frame.sourceId();
                final short flags = frame.flags().getRaw();
                for (final TelemetryFrameDecoder.SamplesDecoder s : frame.samples())
                {
                    ids.add((long)s.parameterId());
                    values.add(s.valueType() == io.pitgun.codecs.sbe.ValueType.F32 ||
                        s.valueType() == io.pitgun.codecs.sbe.ValueType.F64 ?
                        Double.longBitsToDouble(s.value()) : (double)s.value());
                }
                frames.add(new Out(t, source, flags, ids, values));
            }

            @Override
            public void onInsight(final DirectBuffer buffer, final int offset, final int length)
            {
            }
        }, 100);

        assertEquals(3, frames.size(), frames.toString());
        final Out passThrough = frames.get(0);
        assertEquals(7, passThrough.source(), "a source outside the merge is not held back");
        final Out first = frames.get(1);
        assertEquals(10_000, first.timestampUs(), "a merged frame carries its window's start");
        assertEquals(0, first.source(), "the header comes from the lowest source");
        assertEquals(0b110, first.flags() & 0b110, "merged and derived");
        // samples in id order, then the derived channel. Speed from both sources: the car's (source 0) wins;
        // Torque from the box, RPM from the car: Power derives
        assertEquals(List.of((long)SyntheticRun.ENGINE_RPM, (long)SyntheticRun.SPEED, (long)SyntheticRun.TORQUE,
            (long)SyntheticRun.BRAKE, 32_768L), first.ids());
        assertEquals(120.0, first.values().get(1));
        assertEquals(300.0, first.values().get(4), 1e-9);
        final Out second = frames.get(2);
        assertEquals(12_000, second.timestampUs());
        assertEquals(0, second.flags() & 0b010, "only the car in window 2: not merged");
        assertEquals(List.of((long)SyntheticRun.ENGINE_RPM), second.ids(), "no torque in window 2: no power");
        assertEquals(3, pipeline.counters().get(PipelineCounter.DERIVED_FRAMES));
        assertEquals(3, pipeline.counters().get(PipelineCounter.FRAMES_MERGED), "window 1's frames; window 2 had one source");
    }
}
