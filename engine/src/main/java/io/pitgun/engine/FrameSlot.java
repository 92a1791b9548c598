package io.pitgun.engine;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import static io.pitgun.engine.SlotDescriptor.CONTENT_DIGEST_OFFSET;
import static io.pitgun.engine.SlotDescriptor.EVENT_ID_LSB_OFFSET;
import static io.pitgun.engine.SlotDescriptor.EVENT_ID_MSB_OFFSET;
import static io.pitgun.engine.SlotDescriptor.FRAME_COUNT_OFFSET;
import static io.pitgun.engine.SlotDescriptor.FRAME_LENGTH_OFFSET;
import static io.pitgun.engine.SlotDescriptor.FRAME_ORDINAL_OFFSET;
import static io.pitgun.engine.SlotDescriptor.INGEST_TIME_OFFSET;
import static io.pitgun.engine.SlotDescriptor.JOURNAL_INDEX_OFFSET;
import static io.pitgun.engine.SlotDescriptor.OUTPUT_LENGTH_OFFSET;
import static io.pitgun.engine.SlotDescriptor.STATUS_OFFSET;

/**
 * One ring entry: a fixed view over its slot of the off-heap allocation (layout in {@link SlotDescriptor}). The
 * Disruptor pre-allocates one per slot; nothing here allocates.
 *
 * <p>The header fields (native byte order) are read and written without Agrona's per-access bounds check: their
 * offsets are constants inside {@link SlotDescriptor#HEADER_LENGTH}, checked against the slot once here, and every
 * stage touches them for every frame.
 */
public final class FrameSlot
{
    private final UnsafeBuffer buffer;
    private final SlotDescriptor descriptor;
    private final byte[] array;
    private final long address;

    FrameSlot(final UnsafeBuffer buffer, final SlotDescriptor descriptor)
    {
        buffer.boundsCheck(0, SlotDescriptor.HEADER_LENGTH);
        this.buffer = buffer;
        this.descriptor = descriptor;
        this.array = buffer.byteArray();
        this.address = buffer.addressOffset();
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
        return UnsafeApi.getLong(array, address + INGEST_TIME_OFFSET);
    }

    void ingestTimeNs(final long timeNs)
    {
        UnsafeApi.putLong(array, address + INGEST_TIME_OFFSET, timeNs);
    }

    /** The journal index of the frame, or {@link SlotDescriptor#NO_JOURNAL_INDEX}. */
    public long journalIndex()
    {
        return UnsafeApi.getLong(array, address + JOURNAL_INDEX_OFFSET);
    }

    void journalIndex(final long index)
    {
        UnsafeApi.putLong(array, address + JOURNAL_INDEX_OFFSET, index);
    }

    /** Bytes of the SBE message in the frame area. */
    public int frameLength()
    {
        return UnsafeApi.getInt(array, address + FRAME_LENGTH_OFFSET);
    }

    void frameLength(final int length)
    {
        UnsafeApi.putInt(array, address + FRAME_LENGTH_OFFSET, length);
    }

    /** Bytes of the derived frame in the output area (0 when none). */
    public int outputLength()
    {
        return UnsafeApi.getInt(array, address + OUTPUT_LENGTH_OFFSET);
    }

    void outputLength(final int length)
    {
        UnsafeApi.putInt(array, address + OUTPUT_LENGTH_OFFSET, length);
    }

    /** Status word: {@code STATUS_*} plus {@code FLAG_*}. */
    public int status()
    {
        return UnsafeApi.getInt(array, address + STATUS_OFFSET);
    }

    void status(final int status)
    {
        UnsafeApi.putInt(array, address + STATUS_OFFSET, status);
    }

    /** The event id (most significant bits) of the envelope this frame came from; 0 with no event. */
    public long eventIdMsb()
    {
        return UnsafeApi.getLong(array, address + EVENT_ID_MSB_OFFSET);
    }

    /** The event id (least significant bits) of the envelope this frame came from; 0 with no event. */
    public long eventIdLsb()
    {
        return UnsafeApi.getLong(array, address + EVENT_ID_LSB_OFFSET);
    }

    /** The digest of the content of the envelope this frame came from; 0 with no event. */
    public long contentDigest()
    {
        return UnsafeApi.getLong(array, address + CONTENT_DIGEST_OFFSET);
    }

    /** The frame's ordinal in its envelope; 0 with no event. */
    public int frameOrdinal()
    {
        return UnsafeApi.getInt(array, address + FRAME_ORDINAL_OFFSET);
    }

    /** The envelope's frame count; 0 with no event. */
    public int frameCount()
    {
        return UnsafeApi.getInt(array, address + FRAME_COUNT_OFFSET);
    }

    void eventIdentity(final long msb, final long lsb, final long digest, final int ordinal, final int count)
    {
        UnsafeApi.putLong(array, address + EVENT_ID_MSB_OFFSET, msb);
        UnsafeApi.putLong(array, address + EVENT_ID_LSB_OFFSET, lsb);
        UnsafeApi.putLong(array, address + CONTENT_DIGEST_OFFSET, digest);
        UnsafeApi.putInt(array, address + FRAME_ORDINAL_OFFSET, ordinal);
        UnsafeApi.putInt(array, address + FRAME_COUNT_OFFSET, count);
    }

    /** Resets the header for a new claim: no journal index, no event identity. */
    void reset(final int status)
    {
        eventIdentity(0, 0, 0, 0, 0);
        UnsafeApi.putLong(array, address + JOURNAL_INDEX_OFFSET, SlotDescriptor.NO_JOURNAL_INDEX);
        UnsafeApi.putInt(array, address + FRAME_LENGTH_OFFSET, 0);
        UnsafeApi.putInt(array, address + OUTPUT_LENGTH_OFFSET, 0);
        UnsafeApi.putInt(array, address + STATUS_OFFSET, status);
    }
}
