package io.pitgun.scaleout;

import io.pitgun.journal.JournalEntryDescriptor;

/**
 * Layout of the two messages of the shipping protocol: a BATCH of journal frames (edge to hive, on the shipping
 * channel) and an ACK (hive to edge, on the reply channel the batch names). Each is one Aeron message (Aeron
 * fragments and reassembles it; a BATCH is at most the publication's {@code maxMessageLength()}).
 * <pre>
 *   BATCH                                                          ACK
 *   0       type int32 = {@link #TYPE_BATCH}                                0   type int32 = {@link #TYPE_ACK}
 *   4       frame count int32 (0: a hello, asking for an ACK)       4   flags int32 (bit 0: {@link #ACK_REWIND})
 *   8       edge id msb int64                                      8   edge id msb int64
 *   16      edge id lsb int64                                      16  edge id lsb int64
 *   24      previous index int64: the edge position shipped        24  held index int64: the last edge position
 *           just before this batch's first frame, or                   the hive holds durably, or NO_INDEX
 *           {@code Journal.NO_INDEX} when shipping from the start    32  held fingerprint int64 ({@link FrameFingerprint}
 *                                                                       of the frame at held index; 0 with NO_INDEX)
 *                                                                   40  nonce int64: this connection's, for a signed
 *                                                                       edge ({@link #NO_NONCE} otherwise)
 *                                                                   48  (end)
 *   32      first index int64 (NO_INDEX when count = 0)
 *   40      last index int64 (NO_INDEX when count = 0)
 *   48      reply stream id int32
 *   52      reply channel length int32, then the channel (US-ASCII)
 *   56+n    frames, unpadded, count of them:
 *           0   edge position int64 (the frame's position in the edge's journal)
 *           8   event identity, {@link JournalEntryDescriptor#IDENTITY_LENGTH} bytes, laid out as the journal's
 *               ({@link JournalEntryDescriptor#IDENTITY_OFFSET}: event id msb, lsb, content digest, ordinal, count)
 *           40  length int32
 *           44  the SBE message, exactly as the edge's journal holds it (message header included)
 * </pre>
 * An authenticated batch ({@link #TYPE_BATCH_AUTHENTICATED}: the edge has a shared secret) is the same BATCH with
 * {@link #AUTHENTICATED_TRAILER_LENGTH} more bytes at its end: the connection's nonce (int64, {@link #NONCE_LENGTH}
 * bytes) and the HMAC-SHA256, under the edge's secret, of every byte before it (header, reply channel, frames and
 * nonce), so neither the edge id, the positions, the reply channel nor a frame can be forged or changed without the
 * secret. One MAC per batch, checked before anything in it is used. The nonce is the hive's answer to this
 * connection's hello (the ACK's nonce): a batch with frames must carry its own connection's, so a batch captured
 * from another connection and sent again fails; a hello carries whatever nonce the edge last had, unchecked.
 * <p>
 * All integers little endian. Positions are the journal's ({@link JournalEntryDescriptor#position}): increasing,
 * not contiguous, so a batch names its predecessor ({@code previous index}) and the hive takes a batch only when
 * it holds that predecessor: a frame lost in transit (a hive restart drops what its driver had not delivered) shows
 * as a gap and is answered by an ACK with {@link #ACK_REWIND}, never silently skipped.
 */
public final class ShippingDescriptor
{
    /** Message type of a batch of frames (or, with no frames, a hello). */
    public static final int TYPE_BATCH = 1;
    /** Message type of a batch (or hello) followed by its HMAC-SHA256 ({@link BatchAuthenticator}). */
    public static final int TYPE_BATCH_AUTHENTICATED = 3;
    /** Message type of an acknowledgement. */
    public static final int TYPE_ACK = 2;

    /** Offset of the message type (int32) in both messages. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the frame count (int32) in a BATCH. */
    public static final int FRAME_COUNT_OFFSET = TYPE_OFFSET + Integer.BYTES;
    /** Offset of the ACK's flags (int32): the same slot as a BATCH's frame count. */
    public static final int ACK_FLAGS_OFFSET = FRAME_COUNT_OFFSET;
    /** Offset of the edge id's most significant bits (int64) in both messages. */
    public static final int EDGE_ID_MSB_OFFSET = FRAME_COUNT_OFFSET + Integer.BYTES;
    /** Offset of the edge id's least significant bits (int64) in both messages. */
    public static final int EDGE_ID_LSB_OFFSET = EDGE_ID_MSB_OFFSET + Long.BYTES;
    /** Offset of the previous index (int64) in a BATCH. */
    public static final int PREVIOUS_INDEX_OFFSET = EDGE_ID_LSB_OFFSET + Long.BYTES;
    /** Offset of the held index (int64) in an ACK: the same slot as a BATCH's previous index. */
    public static final int HELD_INDEX_OFFSET = PREVIOUS_INDEX_OFFSET;
    /** Offset of the held frame's fingerprint (int64) in an ACK: the edge checks its own frame there on a rewind. */
    public static final int HELD_FINGERPRINT_OFFSET = HELD_INDEX_OFFSET + Long.BYTES;
    /** Offset of the connection's nonce (int64) in an ACK: what the edge's later batches carry and sign. */
    public static final int NONCE_OFFSET = HELD_FINGERPRINT_OFFSET + Long.BYTES;
    /** Length of an ACK. */
    public static final int ACK_LENGTH = NONCE_OFFSET + Long.BYTES;
    /** No nonce: an unsigned edge's, or a signed edge's before its hello is answered. */
    public static final long NO_NONCE = 0;
    /** Bytes of the nonce in an authenticated batch's trailer. */
    public static final int NONCE_LENGTH = Long.BYTES;
    /** Bytes after an authenticated batch's frames: the nonce, then the MAC. */
    public static final int AUTHENTICATED_TRAILER_LENGTH = NONCE_LENGTH + BatchAuthenticator.MAC_LENGTH;
    /** Offset of the first frame's edge position (int64) in a BATCH. */
    public static final int FIRST_INDEX_OFFSET = PREVIOUS_INDEX_OFFSET + Long.BYTES;
    /** Offset of the last frame's edge position (int64) in a BATCH. */
    public static final int LAST_INDEX_OFFSET = FIRST_INDEX_OFFSET + Long.BYTES;
    /** Offset of the reply stream id (int32) in a BATCH. */
    public static final int REPLY_STREAM_ID_OFFSET = LAST_INDEX_OFFSET + Long.BYTES;
    /** Offset of the reply channel's length (int32) in a BATCH; the channel's bytes follow it. */
    public static final int REPLY_CHANNEL_LENGTH_OFFSET = REPLY_STREAM_ID_OFFSET + Integer.BYTES;
    /** Offset of the reply channel's bytes in a BATCH. */
    public static final int REPLY_CHANNEL_OFFSET = REPLY_CHANNEL_LENGTH_OFFSET + Integer.BYTES;
    /** Longest reply channel accepted, in bytes (an Aeron URI is far shorter). */
    public static final int MAX_REPLY_CHANNEL_LENGTH = 1024;

    /** Offset of the edge position (int64) in a frame record. */
    public static final int FRAME_POSITION_OFFSET = 0;
    /** Offset of the event identity block in a frame record. */
    public static final int FRAME_IDENTITY_OFFSET = FRAME_POSITION_OFFSET + Long.BYTES;
    /** Offset of the message length (int32) in a frame record. */
    public static final int FRAME_LENGTH_OFFSET = FRAME_IDENTITY_OFFSET + JournalEntryDescriptor.IDENTITY_LENGTH;
    /** Offset of the SBE message in a frame record (= the record's header length). */
    public static final int FRAME_MESSAGE_OFFSET = FRAME_LENGTH_OFFSET + Integer.BYTES;

    /** ACK flag: the hive did not take the last batch (or answers a hello); resume from held index + 1. */
    public static final int ACK_REWIND = 1;

    /**
     * ACK flag: the hive refuses this edge's batches because another live connection ships under the same edge id
     * (a copied data directory); the edge ships nothing and says so ({@code pitgun_ship_stalled} 3) until the hive
     * takes it.
     */
    public static final int ACK_REFUSED_DUPLICATE_EDGE = 2;

    private ShippingDescriptor()
    {
    }

    /** Offset of the first frame record in a BATCH whose reply channel is {@code replyChannelLength} bytes. */
    public static int framesOffset(final int replyChannelLength)
    {
        return REPLY_CHANNEL_OFFSET + replyChannelLength;
    }
}
