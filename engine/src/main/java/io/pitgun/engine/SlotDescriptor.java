package io.pitgun.engine;

import org.agrona.BitUtil;

import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_LENGTH;

/**
 * The layout of one ring slot. Every slot is a fixed-size window over one cache-line aligned off-heap allocation
 * ({@link SlotRing}); slot {@code i} starts at {@code i * slotBytes}:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     ingest time ns (i64)                      |  0  publish time, for latency only
 *  +---------------------------------------------------------------+
 *  |                     journal index (i64)                       |  8  set by the journal stage, or by a replay
 *  +-------------------------------+-------------------------------+
 *  |        frame length (i32)     |       output length (i32)     | 16  bytes used in the two areas below
 *  +-------------------------------+-------------------------------+
 *  |          status (i32)         |          reserved             | 24  READY / REJECTED / END_OF_STREAM (+flags)
 *  +-------------------------------+-------------------------------+
 *  |                     event id msb (i64)                        | 32  the envelope this frame came from, for
 *  +---------------------------------------------------------------+     the journal (JournalEntryDescriptor,
 *  |                     event id lsb (i64)                        | 40  "Event identity"); all 0 = no event
 *  +---------------------------------------------------------------+
 *  |                     content digest (i64)                      | 48  of the whole envelope
 *  +-------------------------------+-------------------------------+
 *  |       frame ordinal (i32)     |      frame count (i32)        | 56  in the envelope; count 0 = no event
 *  +-------------------------------+-------------------------------+
 *  |                      frame area (frameCapacity)              ...  64  one SBE message as accepted, header
 *  |                                                               |       included: the bytes the journal stores
 *  +---------------------------------------------------------------+
 *  |                     output area (outputCapacity)             ...      the derived TelemetryFrame the manifest
 *  |                                                               |       stage wrote for this slot
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * Both areas start 8-byte aligned and the slot size is a multiple of 64, so no two slots share a cache line. The
 * output area holds the input frame's samples plus one sample per derived channel, so it can never overflow.
 * Memory ordering: producers write a slot between the Disruptor's claim and publish; stage threads read it after
 * their sequence barrier, which gives the happens-before edge, so plain reads and writes suffice inside a slot.
 */
public final class SlotDescriptor
{
    /** Offset of the publish time ({@code System.nanoTime()}), kept out of derived output. */
    public static final int INGEST_TIME_OFFSET = 0;
    /** Offset of the journal index, or {@link #NO_JOURNAL_INDEX}. */
    public static final int JOURNAL_INDEX_OFFSET = 8;
    /** Offset of the frame length. */
    public static final int FRAME_LENGTH_OFFSET = 16;
    /** Offset of the output length. */
    public static final int OUTPUT_LENGTH_OFFSET = 20;
    /** Offset of the status word. */
    public static final int STATUS_OFFSET = 24;
    /** Offset of the event id's most significant bits. */
    public static final int EVENT_ID_MSB_OFFSET = 32;
    /** Offset of the event id's least significant bits. */
    public static final int EVENT_ID_LSB_OFFSET = 40;
    /** Offset of the digest of the envelope's content. */
    public static final int CONTENT_DIGEST_OFFSET = 48;
    /** Offset of the frame's ordinal in its envelope. */
    public static final int FRAME_ORDINAL_OFFSET = 56;
    /** Offset of the envelope's frame count (0 = no event). */
    public static final int FRAME_COUNT_OFFSET = 60;
    /** Offset of the event identity (id, digest, ordinal, count: offsets 32 to 64), laid out exactly as a journal
     *  record's identity block ({@code JournalEntryDescriptor.IDENTITY_OFFSET}), so that the journal stage copies
     *  it in one piece ({@code SlotDescriptorTest} pins the match). */
    public static final int IDENTITY_OFFSET = EVENT_ID_MSB_OFFSET;
    /** Bytes before the frame area: one cache line. */
    public static final int HEADER_LENGTH = 64;
    /** Offset of the frame area. */
    public static final int FRAME_OFFSET = HEADER_LENGTH;

    /** The most bytes a ring's slots take together: one {@link java.nio.ByteBuffer}, whose size is an int. */
    public static final int MAX_RING_BYTES = Integer.MAX_VALUE;

    /** The journal index of a slot not (yet) journaled. */
    public static final long NO_JOURNAL_INDEX = -1;

    /** A frame for every stage. */
    public static final int STATUS_READY = 0;
    /** Claimed but refused (too large, invalid, aborted): every stage skips it. */
    public static final int STATUS_REJECTED = 1;
    /** Published by {@code close()}: stages flush open windows and segments. */
    public static final int STATUS_END_OF_STREAM = 2;
    /** Flag on a READY slot whose journal index came from a replay: the journal stage does not append it. */
    public static final int FLAG_REPLAYED = 1 << 8;
    /** Mask of the status without flags. */
    public static final int STATUS_MASK = 0xFF;

    private final int frameCapacity;
    private final int outputCapacity;
    private final int slotBytes;

    /**
     * @param maxFrameBytes    the largest SBE message a slot accepts.
     * @param derivedChannels  derived channels of the manifest (each adds one sample to the output).
     */
    public SlotDescriptor(final int maxFrameBytes, final int derivedChannels)
    {
        frameCapacity = BitUtil.align(maxFrameBytes, 8);
        outputCapacity = BitUtil.align(frameCapacity + derivedChannels * SAMPLE_LENGTH, 8);
        slotBytes = BitUtil.align(HEADER_LENGTH + frameCapacity + outputCapacity, BitUtil.CACHE_LINE_LENGTH);
    }

    /** Bytes the frame area holds. */
    public int frameCapacity()
    {
        return frameCapacity;
    }

    /** Offset of the output area. */
    public int outputOffset()
    {
        return FRAME_OFFSET + frameCapacity;
    }

    /** Bytes the output area holds. */
    public int outputCapacity()
    {
        return outputCapacity;
    }

    /** Bytes of one slot, a multiple of the cache line. */
    public int slotBytes()
    {
        return slotBytes;
    }

    /**
     * The largest ring of these slots: a power of two whose slots fit in {@link #MAX_RING_BYTES}, the one direct
     * allocation a {@link SlotRing} makes.
     */
    public int largestCapacity()
    {
        return Integer.highestOneBit(MAX_RING_BYTES / slotBytes);
    }

    @Override
    public String toString()
    {
        return "slot " + slotBytes + " bytes (header " + HEADER_LENGTH + ", frame " + frameCapacity + ", output " +
            outputCapacity + ")";
    }
}
