package io.pitgun.scaleout;

import io.aeron.Publication;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalAppender;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalStampedEntryHandler;
import io.pitgun.journal.JournalTailer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * One edge at the hive: its journal (a Pitgun journal like the edge's own, so the journal tools read it), the last
 * edge position it holds, and the publication that acknowledges to the edge.
 * <p>
 * <b>The held position is in the journal itself.</b> Each record's ingest-time field holds the frame's position in
 * the edge's journal: the edge's ingest time is a {@code System.nanoTime()} reading of another process, meaningless
 * here, and derived output never reads it. So the last record says what the hive holds, written in the same
 * all-or-nothing entry as the frames: a hive killed at any moment restarts knowing exactly what it holds.
 * Nothing in the records tells such a journal from a gateway's, whose ingest times are the same int64s, so the hive
 * marks the journal's directory with {@value #EDGE_POSITIONS_MARKER} ({@link #holdsEdgePositions}).
 * <p>
 * <b>Threading:</b> confined to the hive agent's thread, except the counters' getters.
 */
public final class HiveEdgeWriter implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HiveEdgeWriter.class);
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final UUID edgeId;
    private final long edgeIdMsb;
    private final long edgeIdLsb;
    private final Journal journal;
    private final JournalAppender appender;
    private final UnsafeBuffer ack =
        new UnsafeBuffer(ByteBuffer.allocateDirect(ShippingDescriptor.ACK_LENGTH + BatchAuthenticator.MAC_LENGTH));
    /** Signs each ACK with the edge's secret (a hive with secrets), or null: unsigned ACKs. */
    private BatchAuthenticator ackAuthenticator;
    private final byte[] replyChannelBytes = new byte[ShippingDescriptor.MAX_REPLY_CHANNEL_LENGTH];
    private int replyChannelLength = -1;
    private int replyStreamId;
    private Publication reply;
    private boolean ackPending;
    /** A rewind was asked for and no batch in sequence has come since. */
    private boolean rewindSent;
    private int ackFlags;
    private volatile long heldIndex;
    /** The fingerprint of the frame at {@link #heldIndex} ({@link FrameFingerprint}), sent with every ACK. */
    private long heldFingerprint = FrameFingerprint.NONE;
    /** The record (in the batch being taken) of the last frame committed, whose fingerprint is taken once the batch
     *  is done, not at each commit of it; -1 when nothing was committed since. */
    private int heldRecord = -1;
    private final FrameFingerprint fingerprint = new FrameFingerprint();
    private volatile long framesWritten;
    private volatile long duplicatesDropped;
    private volatile long gaps;
    private volatile long malformedBatches;
    private volatile long batchesShortOfSpace;
    private volatile long lastSeenMs;
    private volatile long batchesReceived;
    private volatile long bytesReceived;
    private volatile long duplicateEdgeRefusals;
    /** The Aeron session and image (edge connection) whose batches this writer takes, when {@link #owned}. */
    private int ownerSession;
    private long ownerImage;
    private boolean owned;
    /** The owner's nonce ({@link EdgeSessionNonces}), sent in every ACK. */
    private long ownerNonce = ShippingDescriptor.NO_NONCE;
    /** The connection not taken last answered (when {@link #candidate}: a refused duplicate, or a signed edge's
     *  hello before its first batch), its reply publication, whether an answer is due, and what it says. */
    private int candidateSession;
    private long candidateImage;
    private boolean candidate;
    private Publication candidateReply;
    private boolean candidatePending;
    private int candidateFlags;
    private long candidateNonce = ShippingDescriptor.NO_NONCE;
    private long candidateSinceMs;
    /** How long an undelivered answer to a connection not taken keeps its place against other connections. */
    static final long CANDIDATE_HOLD_MS = 1_000;
    /** The batch being taken comes from the Archive's record (at start), not from an edge. */
    private boolean replaying;
    private final UnsafeBuffer candidateAck =
        new UnsafeBuffer(ByteBuffer.allocateDirect(ShippingDescriptor.ACK_LENGTH + BatchAuthenticator.MAC_LENGTH));

    HiveEdgeWriter(final UUID edgeId, final Path journalDirectory)
    {
        this(edgeId, journalDirectory, null);
    }

    /**
     * @param ackAuthenticator the edge's secret's authenticator, which signs every ACK (the MAC covers the held
     *                         position, fingerprint and nonce), or null for unsigned ACKs. Used on the writer's thread.
     */
    HiveEdgeWriter(final UUID edgeId, final Path journalDirectory, final BatchAuthenticator ackAuthenticator)
    {
        this.edgeId = edgeId;
        this.ackAuthenticator = ackAuthenticator;
        this.edgeIdMsb = edgeId.getMostSignificantBits();
        this.edgeIdLsb = edgeId.getLeastSignificantBits();
        final long openingNs = System.nanoTime();
        this.journal = Journal.open(JournalConfig.of(journalDirectory));
        try
        {
            markEdgePositions(journalDirectory);
            this.appender = journal.appender();
            this.heldIndex = readHeldIndex(journal);
            this.heldFingerprint = readHeldFingerprint(journal);
        }
        catch (final RuntimeException ex)
        {
            journal.close(); // the caller tries again with the edge's next batch: never leave a queue open per try
            throw ex;
        }
        ack.putInt(ShippingDescriptor.TYPE_OFFSET, ShippingDescriptor.TYPE_ACK, ORDER);
        ack.putLong(ShippingDescriptor.EDGE_ID_MSB_OFFSET, edgeIdMsb, ORDER);
        ack.putLong(ShippingDescriptor.EDGE_ID_LSB_OFFSET, edgeIdLsb, ORDER);
        candidateAck.putBytes(0, ack, 0, ShippingDescriptor.ACK_LENGTH);
        LOG.info("edge {}: journal {}, holds up to edge position {} (opened in {} ms)", edgeId, journalDirectory,
            heldIndex, (System.nanoTime() - openingNs) / 1_000_000);
    }

    /**
     * The file in a hive's journal of an edge that says its records' ingest-time fields hold edge positions; written
     * each time the hive's writer opens the journal, so a journal an older hive wrote carries it once that edge
     * ships again (or its batch is in the record's tail a start replays), not after a start alone (docs/scale-out.md).
     */
    public static final String EDGE_POSITIONS_MARKER = "edge-positions.txt";

    /** Whether {@code journalDirectory} is a hive's journal of an edge: it has {@value #EDGE_POSITIONS_MARKER}. */
    public static boolean holdsEdgePositions(final Path journalDirectory)
    {
        return Files.isRegularFile(journalDirectory.resolve(EDGE_POSITIONS_MARKER));
    }

    private static void markEdgePositions(final Path journalDirectory)
    {
        final Path marker = journalDirectory.resolve(EDGE_POSITIONS_MARKER);
        if (Files.isRegularFile(marker))
        {
            return;
        }
        try
        {
            Files.writeString(marker, "A hive's journal of an edge: each record's ingest-time field holds the " +
                "frame's position in the edge's journal (docs/scale-out.md).\n", StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(marker + ": cannot write the hive's journal marker", ex);
        }
    }

    /**
     * The last edge position a hive's journal for an edge holds (its last record's ingest-time field), or
     * {@code Journal.NO_INDEX} when it is empty. Reads one record (a cold path).
     */
    public static long readHeldIndex(final Journal journal)
    {
        final long last = journal.lastIndex();
        if (last == Journal.NO_INDEX)
        {
            return Journal.NO_INDEX;
        }
        final long[] held = {Journal.NO_INDEX};
        try (JournalTailer tailer = journal.tailer())
        {
            if (tailer.moveToIndex(last))
            {
                tailer.readNext((index, buffer, offset, length, edgePosition) -> held[0] = edgePosition);
            }
        }
        if (held[0] == Journal.NO_INDEX)
        {
            throw new IllegalStateException(journal.config().directory() + ": cannot read its last record");
        }
        return held[0];
    }

    /** The fingerprint of the journal's last record ({@link FrameFingerprint#NONE} when empty); a cold path. */
    private long readHeldFingerprint(final Journal journal)
    {
        final long last = journal.lastIndex();
        if (last == Journal.NO_INDEX)
        {
            return FrameFingerprint.NONE;
        }
        final long[] held = {FrameFingerprint.NONE};
        try (JournalTailer tailer = journal.tailer())
        {
            if (tailer.moveToIndex(last))
            {
                tailer.readNext((JournalStampedEntryHandler)(index, buffer, offset, length, edgePosition, stamp) ->
                    held[0] = fingerprint.of(buffer, offset, length, stamp.eventIdMsb(), stamp.eventIdLsb(),
                        stamp.contentDigest(), stamp.frameOrdinal()));
            }
        }
        return held[0];
    }

    /** The edge's id. */
    public UUID edgeId()
    {
        return edgeId;
    }

    /** The last edge position this hive holds durably (in its journal), or {@code Journal.NO_INDEX}. */
    public long heldIndex()
    {
        return heldIndex;
    }

    /** Frames written to this edge's journal since the hive started. */
    public long framesWritten()
    {
        return framesWritten;
    }

    /** Frames received again that the hive already held, dropped (resends after a rewind). */
    public long duplicatesDropped()
    {
        return duplicatesDropped;
    }

    /** Batches refused because the hive did not hold their predecessor (frames lost in transit: a rewind). */
    public long gaps()
    {
        return gaps;
    }

    /**
     * Batches refused whole and not acknowledged: lengths that cannot fit the datagram or that the journal does not
     * take, frame positions not increasing from after the batch's predecessor, or a write that failed.
     */
    public long malformedBatches()
    {
        return malformedBatches;
    }

    /**
     * Batches not written because the hive's disk was short of space (the journal's headroom), so not acknowledged:
     * the edge sends them again after its ACK timeout. Before this count they showed only as gaps (the batches after
     * the first one refused follow a predecessor the hive does not hold), as if packets were lost.
     */
    public long batchesShortOfSpace()
    {
        return batchesShortOfSpace;
    }

    /** Batches (and hellos) received from this edge since the hive started, resends and refused ones included. */
    public long batchesReceived()
    {
        return batchesReceived;
    }

    /** Bytes of those batches. */
    public long bytesReceived()
    {
        return bytesReceived;
    }

    /** When the edge was last heard from (epoch milliseconds), or 0. */
    public long lastSeenMs()
    {
        return lastSeenMs;
    }

    /** Batches refused because another live connection ships under this edge id (a copied data directory). */
    public long duplicateEdgeRefusals()
    {
        return duplicateEdgeRefusals;
    }

    /** Whether the edge connection of Aeron session {@code sessionId} and image {@code imageCorrelationId} is still
     *  alive (its image is there and not ended). */
    @FunctionalInterface
    interface ConnectionLiveness
    {
        boolean isLive(int sessionId, long imageCorrelationId);
    }

    /**
     * Whether a connection of this edge is alive: the one taken, or one being answered (a hello, a refused
     * duplicate). An edge with neither may be released to make room for a new one ({@code --max-edges}).
     */
    boolean connected(final ConnectionLiveness liveness)
    {
        return owned && liveness.isLive(ownerSession, ownerImage) ||
            candidate && liveness.isLive(candidateSession, candidateImage);
    }

    /**
     * Whether a batch of the connection {@code sessionId}/{@code image} (its Aeron image's correlation id) may be
     * taken: it comes from the connection this writer takes, or from a new one while the previous one is no longer
     * alive ({@code liveness}: its image is gone or ended, which Aeron decides from the publication's heartbeats),
     * which then becomes the one taken. A batch of a second live connection under the same edge id is refused,
     * counted and answered with a refusal, so two edges sharing an id never interleave their frames in one journal.
     * <p>
     * With {@code helloClaims} false (a hive with edge secrets) a hello never makes its connection the one taken: it
     * is answered (the held position and the connection's {@code nonce}) and the connection is taken with its first
     * batch, whose MAC covers that nonce. So signed hellos captured and sent again, which carry no nonce, cannot hold
     * the edge id while the real edge is away.
     *
     * @param nonce the connection's nonce ({@link EdgeSessionNonces}), sent in its ACKs; {@link
     *              ShippingDescriptor#NO_NONCE} without secrets.
     */
    boolean admits(final int sessionId, final long image, final ConnectionLiveness liveness,
        final ReplyConnector connector, final DirectBuffer buffer, final int offset, final int length,
        final long nonce, final boolean helloClaims, final long nowMs)
    {
        if (owned && sessionId == ownerSession && image == ownerImage)
        {
            return true;
        }
        final boolean ownerLive = owned && liveness.isLive(ownerSession, ownerImage);
        if (ownerLive)
        {
            duplicateEdgeRefusals++;
            if (answerCandidate(connector, sessionId, image, buffer, offset, length,
                ShippingDescriptor.ACK_REFUSED_DUPLICATE_EDGE, ShippingDescriptor.NO_NONCE, nowMs))
            {
                LOG.error("edge {}: a second live connection (session {}) ships under this edge id while session " +
                    "{} does: refused (two edges with one edge-id, a copied data directory?)", edgeId, sessionId,
                    ownerSession);
            }
            return false;
        }
        if (!helloClaims && buffer.getInt(offset + ShippingDescriptor.FRAME_COUNT_OFFSET, ORDER) == 0)
        {
            answerCandidate(connector, sessionId, image, buffer, offset, length, ShippingDescriptor.ACK_REWIND, nonce,
                nowMs);
            return false;
        }
        if (owned)
        {
            LOG.info("edge {}: connection (session {}) replaces session {}, which has gone", edgeId, sessionId,
                ownerSession);
        }
        ownerSession = sessionId;
        ownerImage = image;
        ownerNonce = nonce;
        owned = true;
        if (candidate && sessionId == candidateSession && image == candidateImage)
        {
            candidate = false;
            candidatePending = false; // answered while not taken; its replies now go through updateReply
            if (candidateReply != null)
            {
                candidateReply.close();
                candidateReply = null;
            }
        }
        return true;
    }

    /**
     * Answers a connection that is not the one taken with {@code flags} (a refusal, or a hello's answer) and
     * {@code nonce}, through a reply publication of its own. Returns whether it is a new one (a cold path: once per
     * connection). An answer not yet delivered (its publication still connecting) keeps its place against other
     * connections for {@link #CANDIDATE_HOLD_MS}, so hellos sent again from other publications cannot keep
     * displacing the real edge's answer.
     */
    private boolean answerCandidate(final ReplyConnector connector, final int sessionId, final long image,
        final DirectBuffer buffer, final int offset, final int length, final int flags, final long nonce,
        final long nowMs)
    {
        final boolean fresh = !candidate || sessionId != candidateSession || image != candidateImage;
        if (fresh && candidate && candidatePending && nowMs - candidateSinceMs < CANDIDATE_HOLD_MS)
        {
            return false; // another connection's answer is on its way: this one says hello again later
        }
        if (fresh)
        {
            candidate = true;
            candidateSession = sessionId;
            candidateImage = image;
            if (candidateReply != null)
            {
                candidateReply.close();
            }
            candidateReply = replyPublication(connector, sessionId, buffer, offset, length);
        }
        candidateFlags = flags;
        candidateNonce = nonce;
        if (!candidatePending)
        {
            candidateSinceMs = nowMs;
        }
        candidatePending = true;
        return fresh;
    }

    private Publication replyPublication(final ReplyConnector connector, final int sessionId,
        final DirectBuffer buffer, final int offset, final int length)
    {
        final int channelLength = buffer.getInt(offset + ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, ORDER);
        if (channelLength <= 0 || channelLength > ShippingDescriptor.MAX_REPLY_CHANNEL_LENGTH ||
            ShippingDescriptor.framesOffset(channelLength) > length)
        {
            return null;
        }
        final byte[] bytes = new byte[channelLength];
        buffer.getBytes(offset + ShippingDescriptor.REPLY_CHANNEL_OFFSET, bytes);
        final ReplyEndpoint endpoint = ReplyEndpoint.parse(new String(bytes, StandardCharsets.US_ASCII));
        return endpoint == null ? null : connector.connect(endpoint,
            buffer.getInt(offset + ShippingDescriptor.REPLY_STREAM_ID_OFFSET, ORDER), sessionId);
    }

    boolean matches(final long msb, final long lsb)
    {
        return msb == edgeIdMsb && lsb == edgeIdLsb;
    }

    /**
     * A BATCH from this edge, at {@code offset} of {@code buffer}: writes the frames after what the hive holds, if
     * the hive holds the batch's predecessor, and sets the ACK to send. A batch that brings frames the hive does
     * not hold goes to {@code recorder} (the Archive's record) before its frames are appended.
     *
     * @param connector null when the batch is replayed from the Archive's record at start: then no reply channel
     *                  is set up and nothing is acknowledged or recorded.
     * @param recorder  null when nothing is to be recorded.
     */
    void onBatch(final ReplyConnector connector, final int sessionId, final DirectBuffer buffer, final int offset,
        final int length, final long nowMs, final BatchRecorder recorder)
    {
        replaying = connector == null;
        lastSeenMs = nowMs;
        batchesReceived++;
        bytesReceived += length;
        final int count = buffer.getInt(offset + ShippingDescriptor.FRAME_COUNT_OFFSET, ORDER);
        final int channelLength = buffer.getInt(offset + ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, ORDER);
        if (count < 0 || channelLength <= 0 || channelLength > ShippingDescriptor.MAX_REPLY_CHANNEL_LENGTH ||
            ShippingDescriptor.framesOffset(channelLength) > length)
        {
            // The lengths come from the network: never let one place a read outside the datagram.
            warnMalformed("edge {}: a batch with {} frames and a reply channel of {} bytes in {} bytes is malformed: " +
                "ignored", edgeId, count, channelLength, length);
            malformedBatches++;
            return;
        }
        if (connector != null)
        {
            updateReply(connector, sessionId, buffer, offset);
        }
        final long previous = buffer.getLong(offset + ShippingDescriptor.PREVIOUS_INDEX_OFFSET, ORDER);
        final long held = heldIndex;
        if (count == 0)
        {
            if (connector == null)
            {
                return;
            }
            rewindSent = true;
            requestAck(ShippingDescriptor.ACK_REWIND); // a hello: tell the edge where to start
            return;
        }
        if (previous > held)
        {
            gaps++;
            // One rewind per gap: the batches the edge sent before it saw the rewind all follow the gap too.
            if (!rewindSent)
            {
                rewindSent = true;
                requestAck(ShippingDescriptor.ACK_REWIND);
            }
            return;
        }
        rewindSent = false;
        final int first = offset + ShippingDescriptor.framesOffset(channelLength);
        final int end = offset + length;
        if (!framesWellFormed(buffer, first, end, count, previous))
        {
            malformedBatches++;
            return; // no ACK: a batch the edge really sent comes again after its ACK timeout
        }
        if (recorder != null && buffer.getLong(offset + ShippingDescriptor.LAST_INDEX_OFFSET, ORDER) > held)
        {
            // Recorded before it is appended: a hive killed between the two finds it in the record at its restart.
            recorder.onTaking(buffer, offset, length);
        }
        int record = first;
        int lastAdded = -1;
        long duplicates = 0;
        boolean noRoom = false;
        long lastInEntry = held;
        boolean open = false;
        try
        {
            for (int i = 0; i < count; i++)
            {
                final long position = buffer.getLong(record + ShippingDescriptor.FRAME_POSITION_OFFSET, ORDER);
                final int messageLength = buffer.getInt(record + ShippingDescriptor.FRAME_LENGTH_OFFSET, ORDER);
                final int message = record + ShippingDescriptor.FRAME_MESSAGE_OFFSET;
                if (position <= lastInEntry)
                {
                    duplicates++;
                }
                else
                {
                    if (open && appender.isFull())
                    {
                        open = false;
                        if (!commit(lastInEntry, buffer, lastAdded))
                        {
                            noRoom = true;
                            break;
                        }
                    }
                    if (!open)
                    {
                        appender.begin();
                        open = true;
                    }
                    // The ingest-time field carries the edge position (see the class comment).
                    appender.add(buffer, message, messageLength, position, buffer,
                        record + ShippingDescriptor.FRAME_IDENTITY_OFFSET);
                    lastInEntry = position;
                    lastAdded = record;
                }
                record = message + messageLength;
            }
            if (open && !commit(lastInEntry, buffer, lastAdded))
            {
                noRoom = true;
            }
        }
        catch (final RuntimeException ex)
        {
            // Never leave the appender's batch open: the next batch would fail on it, and the edge with it.
            appender.abort();
            malformedBatches++;
            LOG.error("edge {}: a batch after position {} could not be written: ignored", edgeId, previous, ex);
            return;
        }
        finally
        {
            if (heldRecord >= 0)
            {
                heldFingerprint = fingerprintOfRecord(buffer, heldRecord); // once per batch, for the ACK
                heldRecord = -1;
            }
        }
        duplicatesDropped += duplicates;
        if (noRoom)
        {
            // Short of space: no ACK, and no rewind for the batches that follow (they now follow a gap), so the
            // edge asks again (a hello) after its ACK timeout instead of resending at once, again and again.
            rewindSent = true;
        }
        else
        {
            requestAck(0);
        }
    }

    /** The fingerprint of the frame record at {@code record} of a batch (identity laid out as the journal's). */
    private long fingerprintOfRecord(final DirectBuffer buffer, final int record)
    {
        final int identity = record + ShippingDescriptor.FRAME_IDENTITY_OFFSET - JournalEntryDescriptor.IDENTITY_OFFSET;
        return fingerprint.of(buffer, record + ShippingDescriptor.FRAME_MESSAGE_OFFSET,
            buffer.getInt(record + ShippingDescriptor.FRAME_LENGTH_OFFSET, ORDER),
            buffer.getLong(identity + JournalEntryDescriptor.EVENT_ID_MSB_OFFSET, ORDER),
            buffer.getLong(identity + JournalEntryDescriptor.EVENT_ID_LSB_OFFSET, ORDER),
            buffer.getLong(identity + JournalEntryDescriptor.CONTENT_DIGEST_OFFSET, ORDER),
            buffer.getInt(identity + JournalEntryDescriptor.FRAME_ORDINAL_OFFSET, ORDER));
    }

    /**
     * Whether the {@code count} frame records from {@code record} to {@code end} are what an edge sends: each
     * header and message inside the datagram (checked without overflow: the lengths come from the network), each
     * message of a length the journal takes, and positions strictly increasing from after {@code previous}. Checked
     * before anything is written, so a batch is taken whole or not at all. A refusal is logged.
     */
    private boolean framesWellFormed(final DirectBuffer buffer, final int first, final int end, final int count,
        final long previous)
    {
        int record = first;
        long last = previous;
        for (int i = 0; i < count; i++)
        {
            if (end - record < ShippingDescriptor.FRAME_MESSAGE_OFFSET)
            {
                warnMalformed("edge {}: batch after position {} ends inside frame {}'s header: refused", edgeId,
                    previous, i);
                return false;
            }
            final long position = buffer.getLong(record + ShippingDescriptor.FRAME_POSITION_OFFSET, ORDER);
            final int messageLength = buffer.getInt(record + ShippingDescriptor.FRAME_LENGTH_OFFSET, ORDER);
            final int message = record + ShippingDescriptor.FRAME_MESSAGE_OFFSET;
            if (messageLength <= 0 || messageLength > JournalEntryDescriptor.MAX_MESSAGE_LENGTH ||
                messageLength > end - message)
            {
                warnMalformed("edge {}: batch after position {} has frame {} of length {} in {} bytes left: refused",
                    edgeId, previous, i, messageLength, end - message);
                return false;
            }
            if (position <= last)
            {
                warnMalformed("edge {}: batch after position {} has frame {} at position {}, not after {}: refused",
                    edgeId, previous, i, position, last);
                return false;
            }
            last = position;
            record = message + messageLength;
        }
        return true;
    }

    /**
     * Logs why a batch is refused: the first time and then every 1,000th per edge ({@link #malformedBatches} counts
     * them all). Anything that reaches the port can send malformed batches, and an edge resends its own after each ACK
     * timeout: one line each would flood the log.
     */
    private void warnMalformed(final String format, final Object... arguments)
    {
        if (malformedBatches % 1_000 == 0)
        {
            LOG.warn(format + " ({} refused so far)", append(arguments, malformedBatches));
        }
    }

    private static Object[] append(final Object[] arguments, final Object last)
    {
        final Object[] all = java.util.Arrays.copyOf(arguments, arguments.length + 1);
        all[arguments.length] = last;
        return all;
    }

    /** Commits the open entry; on success the hive holds through {@code last}, the frame of the batch's record at
     *  {@code lastRecord}. False (nothing written) when the disk is short of space: the edge's unanswered frames come
     *  again after its ACK timeout. */
    private boolean commit(final long last, final DirectBuffer buffer, final int lastRecord)
    {
        final int frames = appender.batchCount();
        if (appender.tryCommit() == JournalAppender.NO_ROOM)
        {
            appender.abort();
            if (batchesShortOfSpace % 1_000 == 0) // the first and every 1,000th: the edge resends every ACK timeout
            {
                LOG.warn("edge {}: the hive's disk is short of space; frames after {} wait ({} batches so far)",
                    edgeId, heldIndex, batchesShortOfSpace + 1);
            }
            batchesShortOfSpace++;
            return false;
        }
        heldRecord = lastRecord;
        heldIndex = last;
        framesWritten += frames;
        return true;
    }

    private void updateReply(final ReplyConnector connector, final int sessionId, final DirectBuffer buffer,
        final int offset)
    {
        final int streamId = buffer.getInt(offset + ShippingDescriptor.REPLY_STREAM_ID_OFFSET, ORDER);
        final int length = buffer.getInt(offset + ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, ORDER);
        if (length <= 0 || length > ShippingDescriptor.MAX_REPLY_CHANNEL_LENGTH)
        {
            return;
        }
        boolean same = length == replyChannelLength && streamId == replyStreamId;
        for (int i = 0; same && i < length; i++)
        {
            same = replyChannelBytes[i] == buffer.getByte(offset + ShippingDescriptor.REPLY_CHANNEL_OFFSET + i);
        }
        if (same)
        {
            return;
        }
        // A new edge process (a new reply port): a cold path, once per edge start. The channel is remembered even
        // when refused, so that a refused one is not tried again with every batch.
        buffer.getBytes(offset + ShippingDescriptor.REPLY_CHANNEL_OFFSET, replyChannelBytes, 0, length);
        replyChannelLength = length;
        replyStreamId = streamId;
        final String channel = new String(replyChannelBytes, 0, length, StandardCharsets.US_ASCII);
        final ReplyEndpoint endpoint = ReplyEndpoint.parse(channel);
        final Publication next = endpoint == null ? null :
            connector.connect(endpoint, streamId, sessionId);
        if (endpoint == null)
        {
            LOG.warn("edge {}: reply channel '{}' is not aeron:udp?endpoint=IP:PORT: no acknowledgements until the " +
                "edge names one", edgeId, channel);
        }
        if (reply != null)
        {
            reply.close();
        }
        reply = next;
        if (next != null)
        {
            LOG.info("edge {}: acknowledging on {} stream {}", edgeId, next.channel(), streamId);
        }
    }

    private void requestAck(final int flags)
    {
        if (replaying)
        {
            return; // nobody to answer: the batch came from the Archive's record
        }
        ackPending = true;
        ackFlags |= flags;
    }

    /** The journal's next batch comes from another thread ({@link JournalAppender#handOver}). */
    void handOverJournal()
    {
        appender.handOver();
    }

    /** Offers the pending ACK (and refusal), if any; returns 1 if one was sent. It stays pending while the edge
     *  cannot take it. */
    int sendAck()
    {
        if (candidatePending && candidateReply != null && offerAck(candidateReply, candidateAck, candidateFlags,
            candidateNonce))
        {
            candidatePending = false;
        }
        if (!ackPending || reply == null)
        {
            return 0;
        }
        if (offerAck(reply, ack, ackFlags, ownerNonce))
        {
            ackPending = false;
            ackFlags = 0;
            return 1;
        }
        return 0;
    }

    /** The edge's secret changed ({@code --edge-secrets} read again): ACKs are signed with {@code authenticator}
     *  from now on (null: unsigned, the edge is no longer listed). */
    void ackAuthenticator(final BatchAuthenticator authenticator)
    {
        ackAuthenticator = authenticator;
    }

    /** Fills {@code buffer} as an ACK of what this edge's journal holds and offers it; true if it went out. */
    private boolean offerAck(final Publication to, final UnsafeBuffer buffer, final int flags, final long nonce)
    {
        buffer.putInt(ShippingDescriptor.ACK_FLAGS_OFFSET, flags, ORDER);
        buffer.putLong(ShippingDescriptor.HELD_INDEX_OFFSET, heldIndex, ORDER);
        buffer.putLong(ShippingDescriptor.HELD_FINGERPRINT_OFFSET, heldFingerprint, ORDER);
        buffer.putLong(ShippingDescriptor.NONCE_OFFSET, nonce, ORDER);
        return to.offer(buffer, 0, sealed(buffer)) > 0;
    }

    private int sealed(final UnsafeBuffer buffer)
    {
        if (ackAuthenticator == null)
        {
            return ShippingDescriptor.ACK_LENGTH;
        }
        ackAuthenticator.sign(buffer, 0, ShippingDescriptor.ACK_LENGTH, buffer, ShippingDescriptor.ACK_LENGTH);
        return ShippingDescriptor.ACK_LENGTH + BatchAuthenticator.MAC_LENGTH;
    }

    @Override
    public void close()
    {
        if (reply != null)
        {
            reply.close();
        }
        if (candidateReply != null)
        {
            candidateReply.close();
        }
        journal.close();
    }
}
