package io.pitgun.engine.tuning;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameFlyweight;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.codecs.sbe.ValueType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checking a frame against a policy's limits allocates nothing, refused, flagged or within: counted with the JVM's
 * per-thread allocation counter (independent of timing) over many frames after warm-up.
 */
class ChannelLimitTableAllocationTest
{
    @Test
    void shouldCheckAndFlagFramesWithoutAllocating()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        final ChannelLimitTable table = TuningPolicyLoader.load(
            Path.of("../schemas/src/main/resources/examples/tuning-policy/v1/valid/flag-mode.yaml"),
            ParameterRegistry.simV1()).table();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(512));
        final int frames = 100_000;

        final long[] refusedAndFlagged = new long[2];
        run(table, frame, frames, refusedAndFlagged);
        final long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        run(table, frame, frames, refusedAndFlagged);
        final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;

        // Each run: frames 0, 3, 6, ... refused (33 334), the other 66 666 flagged once each.
        assertEquals(2 * 33_334, refusedAndFlagged[0]);
        assertEquals(2 * 66_666, refusedAndFlagged[1]);
        // One allocation per frame would be at least 1.6 MB.
        assertTrue(allocated < 4_096, "checking " + frames + " frames allocated " + allocated + " bytes");
    }

    // Frame i: Speed 351 (refused by its reject limit) when i % 3 == 0, else Engine_RPM 12001 (flagged).
    private static void run(final ChannelLimitTable table, final UnsafeBuffer frame, final int frames,
        final long[] refusedAndFlagged)
    {
        final TelemetryFrameEncoder encoder = new TelemetryFrameEncoder();
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final FrameFlyweight view = new FrameFlyweight();
        for (int i = 0; i < frames; i++)
        {
            encoder.wrapAndApplyHeader(frame, 0, header).sequence(i).timestampUs(i).sourceId(1).lapNumber(1)
                .sector((short)0);
            encoder.flags().clear();
            final TelemetryFrameEncoder.SamplesEncoder samples = encoder.samplesCount(2);
            samples.next().value(Double.doubleToRawLongBits(i % 3 == 0 ? 351.0 : 200.0)).parameterId(3)
                .valueType(ValueType.F32).quality(SignalQuality.GOOD);
            samples.next().value(12_001).parameterId(1).valueType(ValueType.U16).quality(SignalQuality.GOOD);
            if (table.firstRejected(view.wrap(frame, 0)) != ChannelLimitTable.WITHIN_LIMITS)
            {
                refusedAndFlagged[0]++;
            }
            else
            {
                refusedAndFlagged[1] += table.flag(view);
            }
        }
    }
}
