package io.pitgun.engine;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.pitgun.engine.FrameLayout.ORDER;

/**
 * The frame being merged for one session: the union of the samples of the frames that fell into the current
 * window, built in place as an SBE TelemetryFrame. Tie-break when several frames carry the same channel: the
 * lowest source id wins, and within one source the later frame wins. The header (session, producer, sequence,
 * lap, sector) is the lowest source's; the timestamp is the window start; flags gain {@code merged}.
 */
final class MergeWindow
{
    final UnsafeBuffer buffer;
    long sessionMsb;
    long sessionLsb;
    boolean inUse;
    boolean open;
    long startTimestampUs;
    long firstIndex;
    long lastIndex;
    private final int maxSamples;
    private final int[] stampById = new int[65_536];
    private final int[] positionById = new int[65_536];
    private final int[] sourceOfSample;
    private int generation;
    private int headerSource;
    private int sampleCount;

    MergeWindow(final int frameCapacity)
    {
        buffer = new UnsafeBuffer(new byte[frameCapacity]);
        maxSamples = (frameCapacity - FrameLayout.SAMPLES) / FrameLayout.SAMPLE_BYTES;
        sourceOfSample = new int[Math.max(0, maxSamples)];
    }

    /**
     * Adds a checked frame.
     *
     * @return samples that did not fit (the merged frame is bounded by a slot's frame area).
     */
    int add(final DirectBuffer frame, final int offset, final long index)
    {
        final int source = frame.getShort(offset + FrameLayout.SOURCE_ID, ORDER) & 0xFFFF;
        if (!open)
        {
            open = true;
            generation++;
            startTimestampUs = frame.getLong(offset + FrameLayout.TIMESTAMP_US, ORDER);
            buffer.putBytes(0, frame, offset, FrameLayout.GROUP_HEADER + 2);
            headerSource = source;
            sampleCount = 0;
            firstIndex = index;
            lastIndex = index;
        }
        else
        {
            if (source < headerSource)
            {
                buffer.putBytes(0, frame, offset, FrameLayout.GROUP_HEADER + 2);
                headerSource = source;
            }
            firstIndex = Math.min(firstIndex, index);
            lastIndex = Math.max(lastIndex, index);
        }
        int overflow = 0;
        final int count = FrameLayout.sampleCount(frame, offset);
        int s = offset + FrameLayout.SAMPLES;
        for (int i = 0; i < count; i++, s += FrameLayout.SAMPLE_BYTES)
        {
            final int id = frame.getShort(s + FrameLayout.SAMPLE_ID, ORDER) & 0xFFFF;
            if (stampById[id] == generation)
            {
                final int position = positionById[id];
                if (source <= sourceOfSample[position])
                {
                    buffer.putBytes(FrameLayout.SAMPLES + position * FrameLayout.SAMPLE_BYTES, frame, s,
                        FrameLayout.SAMPLE_BYTES);
                    sourceOfSample[position] = source;
                }
            }
            else if (sampleCount < maxSamples)
            {
                stampById[id] = generation;
                positionById[id] = sampleCount;
                sourceOfSample[sampleCount] = source;
                buffer.putBytes(FrameLayout.SAMPLES + sampleCount * FrameLayout.SAMPLE_BYTES, frame, s,
                    FrameLayout.SAMPLE_BYTES);
                sampleCount++;
            }
            else
            {
                overflow++;
            }
        }
        return overflow;
    }

    /** Completes the merged frame in {@link #buffer} and closes the window. */
    void finish()
    {
        buffer.putLong(FrameLayout.TIMESTAMP_US, startTimestampUs, ORDER);
        buffer.putByte(FrameLayout.FLAGS, (byte)(buffer.getByte(FrameLayout.FLAGS) | FrameLayout.FLAG_MERGED));
        buffer.putShort(FrameLayout.GROUP_HEADER + 2, (short)sampleCount, ORDER);
        open = false;
    }
}
