package io.pitgun.engine;

import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.codecs.sbe.ValueType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FrameView} reads a frame's samples by channel id, each in the type asked for. */
class FrameViewTest
{
    @Test
    void shouldReadSamplesByIdConvertingBetweenTheirTypeAndTheOneAskedFor()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final TelemetryFrameEncoder frame = new TelemetryFrameEncoder()
            .wrapAndApplyHeader(buffer, 8, new MessageHeaderEncoder());
        frame.sequence(42).timestampUs(1_000L).lapNumber(3);
        final TelemetryFrameEncoder.SamplesEncoder samples = frame.samplesCount(2);
        samples.next().parameterId(32_768).valueType(ValueType.F64).quality(SignalQuality.GOOD)
            .value(Double.doubleToRawLongBits(439.79));
        samples.next().parameterId(7).valueType(ValueType.I64).quality(SignalQuality.GOOD).value(-5);

        final FrameView view = new FrameView().wrap(buffer, 8);

        assertEquals(42, view.sequence());
        assertEquals(1_000L, view.timestampUs());
        assertEquals(3, view.lapNumber());
        assertEquals(2, view.sampleCount());
        assertEquals(439.79, view.doubleValue(32_768));
        assertEquals(439, view.longValue(32_768, -1), "a floating-point value as a long is truncated, not its bits");
        assertEquals(-5.0, view.doubleValue(7));
        assertEquals(-5, view.longValue(7, -1));
        assertFalse(view.has(8));
        assertTrue(Double.isNaN(view.doubleValue(8)));
        assertEquals(-1, view.longValue(8, -1));
    }
}
