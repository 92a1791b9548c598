package io.pitgun.journal;

/**
 * Layout of one journal entry and of the positions that name the messages in it.
 * <p>
 * An entry is one Chronicle Queue document holding a batch of up to {@link #MAX_MESSAGES_PER_ENTRY} SBE messages
 * exactly as accepted, each with its ingest time. Batching is what makes the journal cheap: a Chronicle document
 * costs a fixed ~0.25–1 µs (header, index, ordered length store), which a batch pays once for many frames.
 * <pre>
 *   cycle file (.cq4), documents 4-byte aligned
 *   0            4          8          12           20          24                         24 + length
 *   +------------+----------+----------+------------+-----------+--------------------------+---- . . .
 *   | Chronicle  | count    | reserved | ingestTime | length    | SBE message              | next message
 *   | header     | int32    | int32, 0 | Ns int64   | int32     | messageHeader (8 bytes:  | (ingest time,
 *   | (int32):   | messages |          |            | of the    | blockLength, templateId, | length, bytes),
 *   | content    | in this  |          |            | message   | schemaId 7301, version)  | count times in
 *   | length,    | entry    |          |            |           | + root block + groups +  | all, unpadded
 *   | bit 31 =   |          |          |            |           | var data                 |
 *   | not        |          |          |&lt;------------ message record, ordinal 0 ---------------&gt;|
 *   | complete   |          |          |                                                      |
 *   +------------+----------+----------+------------------------------------------------------+
 *                |&lt;------------------------- entry = document content ------------------------- . . .
 * </pre>
 * All integers little endian. Chronicle writes the header with "not complete" set, then the content, then
 * publishes the final length with an ordered store; readers see an entry only once it is complete, so a batch is
 * all-or-nothing. A process killed between the two leaves a header that readers stop at (nothing before it is
 * lost) and that the next writer recovers.
 * <p>
 * <b>Positions.</b> A message is named by one 64-bit <em>position</em>: the entry's Chronicle index shifted left by
 * {@link #ORDINAL_BITS} plus the message's ordinal in the entry ({@link #position}). Positions increase with every
 * message, are stable (the same message always has the same position) and are what tools print and accept as
 * "index". They are not contiguous (across entries and cycle files), so count messages by reading them.
 * {@link Journal#open} refuses roll cycles whose indices would not leave room for the ordinal.
 * <p>
 * The ingest time is metadata for latency measurement and never reaches derived output; the SBE message is the
 * public binary contract, so any language sbe-tool supports can read the journal.
 */
public final class JournalEntryDescriptor
{
    /** Offset of the message count (int32) in an entry. */
    public static final int COUNT_OFFSET = 0;

    /** Bytes before the first message record (count + reserved). */
    public static final int ENTRY_HEADER_LENGTH = 8;

    /** Offset of the ingest time (int64, nanoseconds from the ingesting process's clock) in a message record. */
    public static final int INGEST_TIME_OFFSET = 0;

    /** Offset of the message length (int32) in a message record. */
    public static final int LENGTH_OFFSET = INGEST_TIME_OFFSET + Long.BYTES;

    /** Offset of the SBE message (its message header) in a message record. */
    public static final int MESSAGE_OFFSET = LENGTH_OFFSET + Integer.BYTES;

    /**
     * Largest SBE message accepted, in bytes. Far above any frame we write (a 16-sample frame is ~270 bytes, the
     * SBE group limit of 65,535 samples is ~1 MiB) and well inside what one Chronicle document may hold with the
     * default 64 MiB block size.
     */
    public static final int MAX_MESSAGE_LENGTH = 4 * 1024 * 1024;

    /** Bits of a position that hold the ordinal of a message in its entry. */
    public static final int ORDINAL_BITS = 6;

    /** Most messages one entry holds. */
    public static final int MAX_MESSAGES_PER_ENTRY = 1 << ORDINAL_BITS;

    /** Most bytes of messages an appender puts in one entry before it must commit (a bound, not a hard limit:
     *  one message up to {@link #MAX_MESSAGE_LENGTH} always fits an empty entry). */
    public static final int MAX_ENTRY_BYTES = 64 * 1024;

    private JournalEntryDescriptor()
    {
    }

    /** The position of message {@code ordinal} of the entry at Chronicle index {@code entryIndex}. */
    public static long position(final long entryIndex, final int ordinal)
    {
        return (entryIndex << ORDINAL_BITS) | ordinal;
    }

    /** The Chronicle index of the entry holding the message at {@code position}. */
    public static long entryIndex(final long position)
    {
        return position >>> ORDINAL_BITS;
    }

    /** The ordinal, within its entry, of the message at {@code position}. */
    public static int ordinal(final long position)
    {
        return (int)(position & (MAX_MESSAGES_PER_ENTRY - 1));
    }
}
