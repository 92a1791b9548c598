package io.pitgun.journal;

/**
 * Layout of one journal entry and of the positions that name the messages in it.
 * <p>
 * An entry is one Chronicle Queue document holding a batch of up to {@link #MAX_MESSAGES_PER_ENTRY} SBE messages
 * exactly as accepted, each with its ingest time. Batching is what makes the journal cheap: a Chronicle document
 * costs a fixed ~0.25–1 µs (header, index, ordered length store), which a batch pays once for many frames.
 * <pre>
 *   cycle file (.cq4), documents 4-byte aligned
 *   0            4          8          12
 *   +------------+----------+----------+------------------------------------------------- . . .
 *   | Chronicle  | count    | format   | message record, ordinal 0 | record 1 | ... count records in all,
 *   | header     | int32    | int32    |                           |          | unpadded
 *   | (int32):   | messages | (0 or 1) |
 *   | content    | in this  |          |
 *   | length,    | entry    |          |
 *   | bit 31 =   |          |          |
 *   | not        |          |          |
 *   | complete   |          |          |
 *   +------------+----------+----------+
 *                |&lt;------ entry = document content ------ . . .
 *
 *   message record, format 1 ({@link #FORMAT_EVENT_IDENTITY}, written since idempotency survives restarts)
 *   0             8             16            24              32         36          40         44
 *   +-------------+-------------+-------------+---------------+----------+-----------+----------+------------ . .
 *   | ingestTime  | event id    | event id    | content       | frame    | frame     | length   | SBE message
 *   | Ns int64    | msb int64   | lsb int64   | digest int64  | ordinal  | count     | int32    | (messageHeader
 *   |             |             |             | (of the whole | int32 in | int32 of  | of the   | 8 bytes + root
 *   |             |             |             | envelope)     | envelope | envelope  | message  | block + groups)
 *   +-------------+-------------+-------------+---------------+----------+-----------+----------+------------ . .
 *   frame count 0 = "no event" (embedded producers, binary WebSocket messages): the id, digest and ordinal are 0.
 *
 *   message record, format 0 (older journals, still read): ingestTime Ns int64 | length int32 | SBE message
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
 * <b>Event identity.</b> A message from a JSON envelope records the envelope's {@code event_id}, a digest of the
 * envelope's content, and which of its frames it is. The frames of one envelope are journaled in order and as a
 * prefix (the ring takes an envelope whole and the journal writes in ring order; a crash can cut it between two
 * entries), so the highest ordinal journaled per id says what a retry still has to publish: the gateway rebuilds
 * its idempotency window from the journal's tail at start ({@code docs/gateway.md}, "Idempotency").
 * <p>
 * The ingest time is metadata for latency measurement and never reaches derived output; the SBE message is the
 * public binary contract, so any language sbe-tool supports can read the journal.
 */
public final class JournalEntryDescriptor
{
    /** Offset of the message count (int32) in an entry. */
    public static final int COUNT_OFFSET = 0;

    /** Offset of the record format (int32) in an entry: {@link #FORMAT_PLAIN} or {@link #FORMAT_EVENT_IDENTITY}. */
    public static final int FORMAT_OFFSET = COUNT_OFFSET + Integer.BYTES;

    /** Bytes before the first message record (count + format). */
    public static final int ENTRY_HEADER_LENGTH = 8;

    /** Record format of journals written before records carried the event identity (the field was reserved, 0). */
    public static final int FORMAT_PLAIN = 0;

    /** Record format with the event identity (id, content digest, frame ordinal and count); what is written now. */
    public static final int FORMAT_EVENT_IDENTITY = 1;

    /** Offset of the ingest time (int64, nanoseconds from the ingesting process's clock) in a message record. */
    public static final int INGEST_TIME_OFFSET = 0;

    /** Offset of the event id's most significant bits (int64) in a format-1 record. */
    public static final int EVENT_ID_MSB_OFFSET = INGEST_TIME_OFFSET + Long.BYTES;

    /** Offset of the event id's least significant bits (int64) in a format-1 record. */
    public static final int EVENT_ID_LSB_OFFSET = EVENT_ID_MSB_OFFSET + Long.BYTES;

    /** Offset of the 64-bit digest of the whole envelope's content (int64) in a format-1 record. */
    public static final int CONTENT_DIGEST_OFFSET = EVENT_ID_LSB_OFFSET + Long.BYTES;

    /** Offset of the frame's ordinal in its envelope (int32) in a format-1 record. */
    public static final int FRAME_ORDINAL_OFFSET = CONTENT_DIGEST_OFFSET + Long.BYTES;

    /** Offset of the envelope's frame count (int32, 0 = no event) in a format-1 record. */
    public static final int FRAME_COUNT_OFFSET = FRAME_ORDINAL_OFFSET + Integer.BYTES;

    /**
     * Offset of the event identity block in a format-1 record: event id msb, event id lsb, content digest, frame
     * ordinal, frame count, packed in that order ({@link #IDENTITY_LENGTH} bytes). A caller that keeps the identity
     * in the same layout hands it to {@link JournalAppender#add(org.agrona.DirectBuffer, int, int, long,
     * org.agrona.DirectBuffer, int)} as one block, copied in one piece.
     */
    public static final int IDENTITY_OFFSET = EVENT_ID_MSB_OFFSET;

    /** Bytes of the event identity block ({@link #IDENTITY_OFFSET}). */
    public static final int IDENTITY_LENGTH = FRAME_COUNT_OFFSET + Integer.BYTES - IDENTITY_OFFSET;

    /** Offset of the message length (int32) in a format-1 record. */
    public static final int LENGTH_OFFSET = FRAME_COUNT_OFFSET + Integer.BYTES;

    /** Offset of the SBE message (its message header) in a format-1 record. */
    public static final int MESSAGE_OFFSET = LENGTH_OFFSET + Integer.BYTES;

    /** Offset of the message length (int32) in a format-0 record. */
    public static final int PLAIN_LENGTH_OFFSET = INGEST_TIME_OFFSET + Long.BYTES;

    /** Offset of the SBE message in a format-0 record. */
    public static final int PLAIN_MESSAGE_OFFSET = PLAIN_LENGTH_OFFSET + Integer.BYTES;

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

    /** Offset of the message length in a record of {@code format}. */
    public static int lengthOffset(final int format)
    {
        return format == FORMAT_PLAIN ? PLAIN_LENGTH_OFFSET : LENGTH_OFFSET;
    }

    /** Offset of the SBE message in a record of {@code format}. */
    public static int messageOffset(final int format)
    {
        return format == FORMAT_PLAIN ? PLAIN_MESSAGE_OFFSET : MESSAGE_OFFSET;
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
