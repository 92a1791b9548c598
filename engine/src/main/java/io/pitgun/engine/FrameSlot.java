package io.pitgun.engine;

import org.agrona.concurrent.UnsafeBuffer;

import static io.pitgun.engine.SlotDescriptor.FRAME_LENGTH_OFFSET;
import static io.pitgun.engine.SlotDescriptor.INGEST_TIME_OFFSET;
import static io.pitgun.engine.SlotDescriptor.JOURNAL_INDEX_OFFSET;
import static io.pitgun.engine.SlotDescriptor.OUTPUT_LENGTH_OFFSET;
import static io.pitgun.engine.SlotDescriptor.STATUS_OFFSET;

/**
 * One ring entry: a fixed view over its slot of the off-heap allocation (layout in {@link SlotDescriptor}). The
 * Disruptor pre-allocates one per slot; nothing here allocates.
 */
public final class FrameSlot
{
    private final UnsafeBuffer buffer;
    private final SlotDescriptor descriptor;

    FrameSlot(final UnsafeBuffer buffer, final SlotDescriptor descriptor)
    {
        this.buffer = buffer;
        this.descriptor = descriptor;
    }

    /** The whole slot; the frame is at {@link SlotDescriptor#FRAME_OFFSET}. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /** The slot's layout. */
    public SlotDescriptor descriptor()
    {
        return descriptor;
    }

    /** Publish time, {@code System.nanoTime()}. */
    public long ingestTimeNs()
    {
        return buffer.getLong(INGEST_TIME_OFFSET);
    }

    void ingestTimeNs(final long timeNs)
    {
        buffer.putLong(INGEST_TIME_OFFSET, timeNs);
    }

    /** The journal index of the frame, or {@link SlotDescriptor#NO_JOURNAL_INDEX}. */
    public long journalIndex()
    {
        return buffer.getLong(JOURNAL_INDEX_OFFSET);
    }

    void journalIndex(final long index)
    {
        buffer.putLong(JOURNAL_INDEX_OFFSET, index);
    }

    /** Bytes of the SBE message in the frame area. */
    public int frameLength()
    {
        return buffer.getInt(FRAME_LENGTH_OFFSET);
    }

    void frameLength(final int length)
    {
        buffer.putInt(FRAME_LENGTH_OFFSET, length);
    }

    /** Bytes of the derived frame in the output area (0 when none). */
    public int outputLength()
    {
        return buffer.getInt(OUTPUT_LENGTH_OFFSET);
    }

    void outputLength(final int length)
    {
        buffer.putInt(OUTPUT_LENGTH_OFFSET, length);
    }

    /** Status word: {@code STATUS_*} plus {@code FLAG_*}. */
    public int status()
    {
        return buffer.getInt(STATUS_OFFSET);
    }

    void status(final int status)
    {
        buffer.putInt(STATUS_OFFSET, status);
    }

    /** Resets the header for a new claim. */
    void reset(final int status)
    {
        buffer.putLong(JOURNAL_INDEX_OFFSET, SlotDescriptor.NO_JOURNAL_INDEX);
        buffer.putInt(FRAME_LENGTH_OFFSET, 0);
        buffer.putInt(OUTPUT_LENGTH_OFFSET, 0);
        buffer.putInt(STATUS_OFFSET, status);
    }
}
