package io.pitgun.engine;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameFlyweight;
import org.agrona.DirectBuffer;

/**
 * Reads a {@code TelemetryFrame} by channel: the frames a {@link SubscriptionHandler#onDerivedFrame} receives (the
 * inputs the manifest kept plus the channels it derived) or any frame of the journal. A flyweight: wrap it over
 * each frame, read, move on; nothing is copied or allocated.
 *
 * <pre>{@code
 * final int power = pipeline.channelId("Power_kW");     // once, by name: derived or dictionary
 * final FrameView frame = new FrameView();               // once per reading thread
 * public void onDerivedFrame(DirectBuffer buffer, int offset, int length)
 * {
 *     final double kW = frame.wrap(buffer, offset).doubleValue(power);   // NaN when the frame lacks it
 * }
 * }</pre>
 * A frame holds at most a few hundred samples; a lookup scans them.
 */
public final class FrameView
{
    private final FrameFlyweight frame = new FrameFlyweight();

    /** Reads the frame that starts (with its SBE message header) at {@code offset}. */
    public FrameView wrap(final DirectBuffer buffer, final int offset)
    {
        frame.wrap(buffer, offset);
        return this;
    }

    /** The producer's frame sequence. */
    public long sequence()
    {
        return frame.longField(FrameDescriptor.SEQUENCE);
    }

    /** The frame's time, microseconds since the epoch, from the producer. */
    public long timestampUs()
    {
        return frame.longField(FrameDescriptor.TIMESTAMP_US);
    }

    /** The lap number, or {@link FrameDescriptor#NULL_LAP} when the producer sent none. */
    public int lapNumber()
    {
        return frame.shortField(FrameDescriptor.LAP_NUMBER);
    }

    /** Samples in the frame. */
    public int sampleCount()
    {
        return frame.sampleCount();
    }

    /** Whether the frame carries channel {@code channelId}. */
    public boolean has(final int channelId)
    {
        return indexOf(channelId) >= 0;
    }

    /** The value of channel {@code channelId} as a double (integers widened), or NaN when the frame lacks it. */
    public double doubleValue(final int channelId)
    {
        final int i = indexOf(channelId);
        if (i < 0)
        {
            return Double.NaN;
        }
        return FrameDescriptor.doubleValue(frame.sampleValueType(i), frame.sampleValue(i));
    }

    /**
     * The value of channel {@code channelId} as a long (a floating-point value truncated toward zero, a boolean 0 or
     * 1), or {@code absent} when the frame lacks it.
     */
    public long longValue(final int channelId, final long absent)
    {
        final int i = indexOf(channelId);
        return i < 0 ? absent : FrameDescriptor.longValue(frame.sampleValueType(i), frame.sampleValue(i));
    }

    private int indexOf(final int channelId)
    {
        final int count = frame.sampleCount();
        for (int i = 0; i < count; i++)
        {
            if (frame.sampleParameterId(i) == channelId)
            {
                return i;
            }
        }
        return -1;
    }
}
