package io.pitgun.engine;

import io.pitgun.codecs.frame.FrameDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.pitgun.codecs.frame.FrameDescriptor.FLAGS;
import static io.pitgun.codecs.frame.FrameDescriptor.FLAG_MERGED;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_COUNT_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_HEADER;
import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLES;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_ID;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE;
import static io.pitgun.codecs.frame.FrameDescriptor.SOURCE_ID;
import static io.pitgun.codecs.frame.FrameDescriptor.TIMESTAMP_US;

/**
 * One tumbling event-time window {@code [startUs, startUs + window_us)} of one session being merged: the union of
 * the samples of the frames that fell into it, kept sorted by parameter id, and written out as one SBE
 * TelemetryFrame by {@link #finish()}.
 *
 * <p>Everything it produces depends only on which frames it holds and on each source's own frame order, never on
 * how the sources interleaved:
 * <ul>
 *   <li>a channel carried by several frames: the lowest source id wins, within one source the later frame;</li>
 *   <li>the header (session, producer, sequence, lap, sector, flags) is the lowest source's first frame's; the
 *       timestamp is the window start; flags gain {@code merged} when frames of two or more sources met;</li>
 *   <li>samples are written in parameter id order;</li>
 *   <li>when the window holds more distinct channels than a frame has room for, the lowest ids are kept (the
 *       highest id is evicted for a lower one), each refused or evicted sample counted as merge overflow.</li>
 * </ul>
 * Sorted parallel arrays sized to a frame's samples: a binary search and a short shift per sample, no allocation.
 */
final class MergeWindow
{
    final UnsafeBuffer buffer;
    long startUs;
    long firstIndex;
    long lastIndex;
    private final int maxSamples;
    private final long[] values;
    /** The 4 bytes after a sample's value: parameter id (u16), value type (u8), quality (u8), little-endian. */
    private final int[] idTypeQuality;
    private final int[] sourceOf;
    private int sampleCount;
    private int headerSource;
    private int firstSource;
    private boolean severalSources;
    private int frameCount;

    MergeWindow(final int frameCapacity)
    {
        buffer = new UnsafeBuffer(new byte[frameCapacity]);
        maxSamples = Math.max(0, (frameCapacity - SAMPLES) / SAMPLE_LENGTH);
        values = new long[maxSamples];
        idTypeQuality = new int[maxSamples];
        sourceOf = new int[maxSamples];
    }

    /** Starts an empty window at {@code startUs}. */
    void open(final long startUs)
    {
        this.startUs = startUs;
        sampleCount = 0;
        frameCount = 0;
        severalSources = false;
    }

    /** Frames added since {@link #open}. */
    int frameCount()
    {
        return frameCount;
    }

    /** True when frames of two or more sources fell into the window. */
    boolean hasSeveralSources()
    {
        return severalSources;
    }

    /**
     * Adds a checked frame.
     *
     * @return samples refused or evicted because the merged frame is bounded by a slot's frame area.
     */
    int add(final DirectBuffer frame, final int offset, final long index)
    {
        final int source = frame.getShort(offset + SOURCE_ID, ORDER) & 0xFFFF;
        if (frameCount == 0)
        {
            buffer.putBytes(0, frame, offset, GROUP_HEADER + GROUP_COUNT_OFFSET);
            headerSource = source;
            firstSource = source;
            firstIndex = index;
            lastIndex = index;
        }
        else
        {
            if (source < headerSource)
            {
                buffer.putBytes(0, frame, offset, GROUP_HEADER + GROUP_COUNT_OFFSET);
                headerSource = source;
            }
            severalSources |= source != firstSource;
            firstIndex = Math.min(firstIndex, index);
            lastIndex = Math.max(lastIndex, index);
        }
        frameCount++;
        int overflow = 0;
        final int count = FrameDescriptor.sampleCount(frame, offset);
        int s = offset + SAMPLES;
        for (int i = 0; i < count; i++, s += SAMPLE_LENGTH)
        {
            overflow += addSample(source, frame.getInt(s + SAMPLE_ID, ORDER),
                frame.getLong(s + SAMPLE_VALUE, ORDER));
        }
        return overflow;
    }

    private int addSample(final int source, final int tail, final long value)
    {
        final int id = tail & 0xFFFF;
        int low = 0;
        int high = sampleCount - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final int midId = idTypeQuality[mid] & 0xFFFF;
            if (midId < id)
            {
                low = mid + 1;
            }
            else if (midId > id)
            {
                high = mid - 1;
            }
            else
            {
                if (source <= sourceOf[mid])
                {
                    values[mid] = value;
                    idTypeQuality[mid] = tail;
                    sourceOf[mid] = source;
                }
                return 0;
            }
        }
        int overflow = 0;
        if (sampleCount == maxSamples)
        {
            if (low == sampleCount)
            {
                return 1; // a higher id than every kept one: refused
            }
            sampleCount--; // evict the highest id for this lower one
            overflow = 1;
        }
        final int tailLength = sampleCount - low;
        System.arraycopy(values, low, values, low + 1, tailLength);
        System.arraycopy(idTypeQuality, low, idTypeQuality, low + 1, tailLength);
        System.arraycopy(sourceOf, low, sourceOf, low + 1, tailLength);
        values[low] = value;
        idTypeQuality[low] = tail;
        sourceOf[low] = source;
        sampleCount++;
        return overflow;
    }

    /** Writes the merged frame into {@link #buffer}. */
    void finish()
    {
        buffer.putLong(TIMESTAMP_US, startUs, ORDER);
        if (severalSources)
        {
            buffer.putByte(FLAGS, (byte)(buffer.getByte(FLAGS) | FLAG_MERGED));
        }
        buffer.putShort(GROUP_HEADER + GROUP_COUNT_OFFSET, (short)sampleCount, ORDER);
        int p = SAMPLES;
        for (int i = 0; i < sampleCount; i++, p += SAMPLE_LENGTH)
        {
            buffer.putLong(p + SAMPLE_VALUE, values[i], ORDER);
            buffer.putInt(p + SAMPLE_ID, idTypeQuality[i], ORDER);
        }
    }
}
