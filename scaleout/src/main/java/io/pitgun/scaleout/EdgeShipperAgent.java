package io.pitgun.scaleout;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalEventStamp;
import io.pitgun.journal.JournalStampedEntryHandler;
import io.pitgun.journal.JournalTailer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The edge's shipper: tails the edge's journal on its own thread and ships its frames to the hive in batches
 * ({@link ShippingDescriptor}), never touching the ingest path. The journal is the buffer: when the hive is slow,
 * gone or back-pressures, the shipper keeps its place and tries again; ingestion never waits for it.
 * <p>
 * <b>Exactly once.</b> The edge keeps nothing but its place in memory. It ships only after the hive has told it
 * (an ACK, answering a hello) the last edge position the hive holds durably, and starts from the frame after it;
 * each batch names its predecessor, so the hive takes a batch only in sequence and answers a gap with a rewind. On
 * a lost connection or acknowledgements that stop coming, it asks again (a hello) and resumes from the answer.
 * Transport is therefore at-least-once, and the hive drops any frame at or below what it holds.
 * <pre>
 *   NOT_CONNECTED --publication connected--> AWAITING_ACK --ACK(held)--> SHIPPING (from held + 1)
 *        ^                                        ^                          |
 *        +------------- connection lost ----------+---- ACK timeout ---------+
 *                                                      ACK with REWIND: resume from held + 1 at once
 * </pre>
 * <b>Threading:</b> every method runs on the agent's thread; {@link #counters()} may be read from any thread.
 */
public final class EdgeShipperAgent implements Agent, JournalStampedEntryHandler, FragmentHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(EdgeShipperAgent.class);
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /** How often a hello is repeated while no ACK answers it. */
    private static final long HELLO_INTERVAL_NS = 200_000_000L;
    /** ACK fragments taken per duty cycle. */
    private static final int ACK_FRAGMENT_LIMIT = 16;
    /**
     * Most batches shipped and not yet acknowledged: the shipper waits for an ACK before shipping more. Bounds what
     * is sent in vain to a hive that restarted (it drops batches after a gap until the edge rewinds) while leaving
     * enough in flight to cover the ACK's round trip.
     */
    static final int MAX_UNACKED_BATCHES = 16;
    /** How often the journal entries not yet acknowledged are counted (a cold read of the journal's index). */
    private static final long UNACKNOWLEDGED_COUNT_INTERVAL_NS = 1_000_000_000L;
    /** How often a new Aeron client is tried while the last attempt failed (the driver not answering). */
    private static final long RECONNECT_INTERVAL_NS = 1_000_000_000L;

    private final Journal journal;
    /** Connects a new {@link #link} to the embedded driver when Aeron closed the last one. */
    private final Supplier<ShipperLink> reconnect;
    private ShipperLink link;
    private ExclusivePublication publication;
    private Subscription replySubscription;
    /** When a new client was last tried since the link closed; 0 while the link is open. */
    private long lastReconnectNs;
    private final ShipperConfig config;
    private final NanoClock clock;
    private final long edgeIdMsb;
    private final long edgeIdLsb;
    private final ShipperCounters counters = new ShipperCounters();
    private final UnsafeBuffer batch;
    /** Signs each batch and hello with the edge's secret, or null when shipping unauthenticated. */
    private final BatchAuthenticator authenticator;
    /** {@link ShippingDescriptor#AUTHENTICATED_TRAILER_LENGTH} when signing, else 0: kept free at the end of every
     *  batch. */
    private final int macLength;
    /** This connection's nonce, from the hive's last ACK: signed into every batch ({@link EdgeSessionNonces}). */
    private long nonce = ShippingDescriptor.NO_NONCE;
    private long lastUnacknowledgedCountNs;
    private final long[] inFlightLastIndex = new long[MAX_UNACKED_BATCHES];
    private final long[] inFlightFrames = new long[MAX_UNACKED_BATCHES];
    private int inFlightHead;
    private int inFlightCount;

    private JournalTailer tailer;
    private int framesOffset = -1;
    private int state = ShipperCounters.NOT_CONNECTED;
    private long lastHelloNs;
    /** Since when the shipper has waited for an ACK: the last ACK, or the first batch shipped after it. */
    private long ackWaitSinceNs;
    /** The edge position the hive last said it holds. */
    private long ackedIndex = Journal.NO_INDEX;
    /** The fingerprint of the frame the hive holds at {@link #ackedIndex}, from the same ACK. */
    private long ackedFingerprint = FrameFingerprint.NONE;
    /** After a rewind: the position whose frame must match {@link #verifyFingerprint} before anything after it is
     *  shipped, or NO_INDEX when there is nothing to check. */
    private long verifyIndex = Journal.NO_INDEX;
    private long verifyFingerprint;
    private final FrameFingerprint fingerprint = new FrameFingerprint();
    /** The position of the last frame shipped (or, after a rewind, the position shipping resumes after). */
    private long shippedIndex = Journal.NO_INDEX;
    /** Frames at or below this position are skipped when read (the tailer lands on the start of their entry). */
    private long skipThroughIndex = Journal.NO_INDEX;
    /** Set by an ACK while shipping: rewind to {@link #ackedIndex} before the next batch. */
    private boolean rewindRequested;

    // The batch being filled: frames, bytes used, first/last position, when its first frame came.
    private int frames;
    private int limit;
    private long firstIndex = Journal.NO_INDEX;
    private long lastIndex = Journal.NO_INDEX;
    private long firstFrameNs;
    /** The first frame that did not fit the batch: the tailer goes back to it once the batch is shipped. */
    private long resumeIndex = Journal.NO_INDEX;
    private boolean tooLargeReported;
    /** True after a rewind that did not find the acknowledged position in this journal: a frame at or below it
     *  then means the journal diverged from what the hive holds ({@link ShipperCounters#STALLED_JOURNAL_DIVERGED}). */
    private boolean ackedPositionMissing;

    /**
     * @param journal       the edge's journal (read only: a tailer of its own).
     * @param link          the shipping publication (to the hive) and the subscription where ACKs arrive, whose
     *                      channel (resolved, if it asked for port 0) travels in batches; closed with the agent.
     * @param reconnect     makes a new link when Aeron closed {@code link}'s client.
     * @param edgeId        the edge's id ({@link EdgeId}).
     * @param authenticator signs every batch, or null: unauthenticated batches.
     */
    EdgeShipperAgent(final Journal journal, final ShipperLink link, final Supplier<ShipperLink> reconnect,
        final ShipperConfig config, final UUID edgeId, final NanoClock clock, final BatchAuthenticator authenticator)
    {
        this.authenticator = authenticator;
        this.macLength = authenticator == null ? 0 : ShippingDescriptor.AUTHENTICATED_TRAILER_LENGTH;
        this.journal = journal;
        this.reconnect = reconnect;
        this.link = link;
        this.publication = link.publication();
        this.replySubscription = link.replies();
        this.config = config;
        this.clock = clock;
        this.edgeIdMsb = edgeId.getMostSignificantBits();
        this.edgeIdLsb = edgeId.getLeastSignificantBits();
        this.batch = new UnsafeBuffer(ByteBuffer.allocateDirect(publication.maxMessageLength()));
    }

    /** The shipper's counters, readable from any thread. */
    public ShipperCounters counters()
    {
        return counters;
    }

    @Override
    public String roleName()
    {
        return "pitgun-shipper";
    }

    @Override
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        if (counters.stalled() == ShipperCounters.STALLED_JOURNAL_DIVERGED)
        {
            return 0; // stopped for good: shipping would lose frames the hive takes for ones it holds
        }
        if (link.isClosed())
        {
            return replaceLink(nowNs);
        }
        if (framesOffset < 0)
        {
            return resolveReplyChannel();
        }
        int work = replySubscription.poll(this, ACK_FRAGMENT_LIMIT);
        if (nowNs - lastUnacknowledgedCountNs >= UNACKNOWLEDGED_COUNT_INTERVAL_NS)
        {
            lastUnacknowledgedCountNs = nowNs;
            countUnacknowledged();
        }
        if (!publication.isConnected())
        {
            if (state != ShipperCounters.NOT_CONNECTED)
            {
                enter(ShipperCounters.NOT_CONNECTED);
            }
            counters.caughtUp(false, nowNs);
            return work;
        }
        if (state == ShipperCounters.NOT_CONNECTED)
        {
            enter(ShipperCounters.AWAITING_ACK);
        }
        if (state == ShipperCounters.AWAITING_ACK)
        {
            if (nowNs - lastHelloNs >= HELLO_INTERVAL_NS && offerHello())
            {
                lastHelloNs = nowNs;
                work++;
            }
            return work;
        }
        if (rewindRequested)
        {
            rewind();
            work++;
        }
        if (shippedIndex != ackedIndex && nowNs - ackWaitSinceNs > config.ackTimeoutNs())
        {
            LOG.warn("no acknowledgement from the hive for {} ms (shipped up to {}, acknowledged {}): asking again",
                config.ackTimeoutNs() / 1_000_000, shippedIndex, ackedIndex);
            enter(ShipperCounters.AWAITING_ACK);
            return work + 1;
        }
        if (inFlightCount == MAX_UNACKED_BATCHES)
        {
            return work; // wait for the hive to catch up
        }
        work += fill(nowNs);
        if (frames > 0 && (frames >= config.batchSize() || resumeIndex != Journal.NO_INDEX ||
            nowNs - firstFrameNs >= config.flushIntervalNs()))
        {
            work += offerBatch(nowNs);
        }
        // A stalled shipper is never caught up: its lag must grow, not read 0.
        counters.caughtUp(frames == 0 && shippedIndex == ackedIndex &&
            counters.stalled() == ShipperCounters.NOT_STALLED, nowNs);
        return work;
    }

    @Override
    public void onClose()
    {
        if (tailer != null)
        {
            tailer.close(); // on the reading thread, as the tailer asks
            tailer = null;
        }
        closeLink();
    }

    /** Closes the Aeron client: at the agent's close, or by its owner once the agent's thread is gone. */
    void closeLink()
    {
        link.close();
    }

    /**
     * Aeron closed the client (the process stood still past the driver's client liveness timeout): without a new
     * one the shipper would send nothing ever again while the edge journals on. Connects one to the same embedded
     * driver, counted ({@code pitgun_ship_client_reconnects_total}), and starts over as after a lost connection: a
     * hello, then shipping from what the hive says it holds.
     */
    private int replaceLink(final long nowNs)
    {
        counters.caughtUp(false, nowNs);
        if (lastReconnectNs != 0 && nowNs - lastReconnectNs < RECONNECT_INTERVAL_NS)
        {
            return 0;
        }
        if (lastReconnectNs == 0)
        {
            LOG.error("the shipper's Aeron client was closed (the edge process stood still past its driver's " +
                "timeout): connecting a new one");
        }
        lastReconnectNs = nowNs;
        link.close();
        try
        {
            link = reconnect.get();
        }
        catch (final RuntimeException ex)
        {
            LOG.error("the shipper could not connect a new Aeron client, trying again in {} ms: {}",
                RECONNECT_INTERVAL_NS / 1_000_000, ex.toString());
            return 1;
        }
        counters.onClientReconnect();
        lastReconnectNs = 0;
        publication = link.publication();
        replySubscription = link.replies();
        framesOffset = -1; // the new reply subscription has a port of its own
        nonce = ShippingDescriptor.NO_NONCE;
        enter(ShipperCounters.NOT_CONNECTED);
        return 1;
    }

    private int resolveReplyChannel()
    {
        final String channel = replySubscription.tryResolveChannelEndpointPort();
        if (channel == null)
        {
            return 0; // the driver has not bound the reply endpoint yet
        }
        final byte[] bytes = channel.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > ShippingDescriptor.MAX_REPLY_CHANNEL_LENGTH)
        {
            throw new IllegalStateException("reply channel longer than " +
                ShippingDescriptor.MAX_REPLY_CHANNEL_LENGTH + " bytes: " + channel);
        }
        // The batch's constant part is written once.
        batch.putInt(ShippingDescriptor.TYPE_OFFSET, authenticator == null ? ShippingDescriptor.TYPE_BATCH :
            ShippingDescriptor.TYPE_BATCH_AUTHENTICATED, ORDER);
        batch.putLong(ShippingDescriptor.EDGE_ID_MSB_OFFSET, edgeIdMsb, ORDER);
        batch.putLong(ShippingDescriptor.EDGE_ID_LSB_OFFSET, edgeIdLsb, ORDER);
        batch.putInt(ShippingDescriptor.REPLY_STREAM_ID_OFFSET, replySubscription.streamId(), ORDER);
        batch.putInt(ShippingDescriptor.REPLY_CHANNEL_LENGTH_OFFSET, bytes.length, ORDER);
        batch.putBytes(ShippingDescriptor.REPLY_CHANNEL_OFFSET, bytes);
        framesOffset = ShippingDescriptor.framesOffset(bytes.length);
        LOG.info("shipping to {} stream {}, acknowledgements on {} stream {}", publication.channel(),
            publication.streamId(), channel, replySubscription.streamId());
        return 1;
    }

    private void enter(final int newState)
    {
        state = newState;
        counters.connectionState(newState);
        clearBatch();
        lastHelloNs = clock.nanoTime() - HELLO_INTERVAL_NS; // say hello at once
    }

    private boolean offerHello()
    {
        writeHeader(0, Journal.NO_INDEX, Journal.NO_INDEX);
        final long result = publication.offer(batch, 0, sealed(framesOffset));
        return result > 0;
    }

    /** The length to offer for a batch of {@code length} bytes: with the nonce and the MAC of both written after it
     *  when signing. */
    private int sealed(final int length)
    {
        if (authenticator == null)
        {
            return length;
        }
        batch.putLong(length, nonce, ORDER);
        final int signed = length + ShippingDescriptor.NONCE_LENGTH;
        authenticator.sign(batch, 0, signed, batch, signed);
        return length + macLength;
    }

    /**
     * Publishes how many journal entries follow the one holding the last frame the hive acknowledged: what the hive
     * lacks, kept only by this journal ({@code pitgun_ship_unacknowledged_journal_entries}). The journal deletes
     * nothing, so this is the edge's buffer, bounded by its disk. Reads the journal's index: at most once a second.
     */
    private void countUnacknowledged()
    {
        final long last = journal.lastIndex();
        final long acked = ackedIndex;
        final long entries;
        if (last == Journal.NO_INDEX)
        {
            entries = 0;
        }
        else if (acked == Journal.NO_INDEX)
        {
            entries = journal.countEntries(journal.firstIndex(), last);
        }
        else
        {
            entries = Math.max(0, journal.countEntries(Math.min(acked, last), last) - 1);
        }
        counters.unacknowledgedEntries(entries);
    }

    private void writeHeader(final int count, final long first, final long last)
    {
        batch.putInt(ShippingDescriptor.FRAME_COUNT_OFFSET, count, ORDER);
        batch.putLong(ShippingDescriptor.PREVIOUS_INDEX_OFFSET, shippedIndex, ORDER);
        batch.putLong(ShippingDescriptor.FIRST_INDEX_OFFSET, first, ORDER);
        batch.putLong(ShippingDescriptor.LAST_INDEX_OFFSET, last, ORDER);
    }

    /** Starts again after the last position the hive holds: a fresh read of the journal from there. */
    private void rewind()
    {
        rewindRequested = false;
        counters.onRewind();
        resumeIndex = Journal.NO_INDEX; // the tailer is repositioned below
        clearBatch();
        shippedIndex = ackedIndex;
        skipThroughIndex = ackedIndex;
        inFlightCount = 0;
        counters.lagFrames(0);
        if (tailer != null)
        {
            tailer.close();
        }
        tailer = newTailer(); // a new tailer starts at the journal's first entry
        ackedPositionMissing = false;
        verifyIndex = ackedIndex;
        verifyFingerprint = ackedFingerprint;
        if (ackedIndex != Journal.NO_INDEX && !tailer.moveToIndex(ackedIndex))
        {
            verifyIndex = Journal.NO_INDEX; // the frame is not there at all: onEntry's check below says so
            ackedPositionMissing = true;
            // The acknowledged frame is not in this journal (it was deleted or replaced): read it all, skipping
            // what the hive holds by position.
            tailer.close();
            tailer = newTailer();
            final long first = journal.firstIndex();
            if (first != Journal.NO_INDEX && first > ackedIndex)
            {
                // Cycle files up to the acknowledged position were deleted. Any frame after it that they held never
                // reached the hive, and nothing else can tell: the hive takes the next frame as the successor of
                // the one it holds. Said, and counted, rather than shipped past in silence.
                counters.onJournalGap();
                LOG.error("the hive holds this edge's frames up to position {}, but this journal now starts at {}: " +
                    "the cycle files before it were deleted, and any frame after {} in them never reached the hive " +
                    "(keep every cycle file after the hive's held position, pitgun hive status); shipping goes on " +
                    "from {}", ackedIndex, first, ackedIndex, first);
            }
            else
            {
                LOG.warn("the hive holds up to position {}, which this journal does not hold: reading from its start",
                    ackedIndex);
            }
        }
    }

    /** A tailer of the journal from its first entry that counts the gaps it reads across. */
    private JournalTailer newTailer()
    {
        final JournalTailer tailer = journal.tailer();
        tailer.onGap(counters.journalCycleGapLog());
        return tailer;
    }

    private void clearBatch()
    {
        frames = 0;
        limit = framesOffset;
        firstIndex = Journal.NO_INDEX;
        lastIndex = Journal.NO_INDEX;
        if (resumeIndex != Journal.NO_INDEX)
        {
            resumeIndex = Journal.NO_INDEX;
            rewindRequested = state == ShipperCounters.SHIPPING; // the tailer is past frames not shipped
        }
    }

    private int fill(final long nowNs)
    {
        int entries = 0;
        while (frames < config.batchSize() && resumeIndex == Journal.NO_INDEX && tailer.readNext(this))
        {
            entries++;
        }
        if (frames > 0 && firstFrameNs == Long.MIN_VALUE)
        {
            firstFrameNs = nowNs;
        }
        return entries;
    }

    @Override
    public void onEntry(final long index, final DirectBuffer buffer, final int offset, final int length,
        final long ingestTimeNs, final JournalEventStamp stamp)
    {
        if (verifyIndex != Journal.NO_INDEX && index >= verifyIndex)
        {
            // The first frame read at or after the hive's last one: it must be the very frame the hive holds there.
            final boolean same = index == verifyIndex && fingerprint.of(buffer, offset, length, stamp.eventIdMsb(),
                stamp.eventIdLsb(), stamp.contentDigest(), stamp.frameOrdinal()) == verifyFingerprint;
            final long checked = verifyIndex;
            verifyIndex = Journal.NO_INDEX;
            if (!same)
            {
                counters.stall(ShipperCounters.STALLED_JOURNAL_DIVERGED);
                LOG.error("the hive holds this edge's frames up to position {}, but this journal's frame there {} " +
                    "the one the hive holds: the journal lost its tail or was reset under the same edge id, and new " +
                    "frames took the old positions; shipping stops (give the edge a new id: delete its edge-id file)",
                    checked, index == checked ? "is not" : "is missing, so it cannot be");
                resumeIndex = index; // nothing more of this read goes into the batch
                return;
            }
        }
        if (index <= skipThroughIndex && ackedPositionMissing && counters.stalled() == ShipperCounters.NOT_STALLED)
        {
            // Cycles deleted before the acknowledged position leave only later positions; a frame at or below it
            // in a journal without it is one the hive never had, under a position it has.
            counters.stall(ShipperCounters.STALLED_JOURNAL_DIVERGED);
            LOG.error("the hive holds this edge's positions up to {}, but this journal has a different frame at {}: " +
                "the journal was reset or lost its tail under the same edge id; shipping stops (give the edge a new " +
                "id: delete its edge-id file)", skipThroughIndex, index);
        }
        if (index <= skipThroughIndex || resumeIndex != Journal.NO_INDEX)
        {
            return;
        }
        final int record = limit;
        final int end = record + ShippingDescriptor.FRAME_MESSAGE_OFFSET + length;
        if (frames >= config.batchSize() || end > batch.capacity() - macLength)
        {
            resumeIndex = index;
            if (frames == 0 && !tooLargeReported)
            {
                tooLargeReported = true;
                counters.stall(ShipperCounters.STALLED_FRAME_TOO_LARGE);
                LOG.error("frame at position {} is {} bytes, more than a batch can carry ({} bytes): shipping stops " +
                    "here", index, length,
                    batch.capacity() - macLength - framesOffset - ShippingDescriptor.FRAME_MESSAGE_OFFSET);
            }
            return;
        }
        final int identity = record + ShippingDescriptor.FRAME_IDENTITY_OFFSET - JournalEntryDescriptor.IDENTITY_OFFSET;
        batch.putLong(record + ShippingDescriptor.FRAME_POSITION_OFFSET, index, ORDER);
        batch.putLong(identity + JournalEntryDescriptor.EVENT_ID_MSB_OFFSET, stamp.eventIdMsb(), ORDER);
        batch.putLong(identity + JournalEntryDescriptor.EVENT_ID_LSB_OFFSET, stamp.eventIdLsb(), ORDER);
        batch.putLong(identity + JournalEntryDescriptor.CONTENT_DIGEST_OFFSET, stamp.contentDigest(), ORDER);
        batch.putInt(identity + JournalEntryDescriptor.FRAME_ORDINAL_OFFSET, stamp.frameOrdinal(), ORDER);
        batch.putInt(identity + JournalEntryDescriptor.FRAME_COUNT_OFFSET, stamp.frameCount(), ORDER);
        batch.putInt(record + ShippingDescriptor.FRAME_LENGTH_OFFSET, length, ORDER);
        batch.putBytes(record + ShippingDescriptor.FRAME_MESSAGE_OFFSET, buffer, offset, length);
        if (frames == 0)
        {
            firstIndex = index;
            firstFrameNs = Long.MIN_VALUE; // stamped by fill() with the duty cycle's clock reading
        }
        lastIndex = index;
        limit = end;
        frames++;
    }

    private int offerBatch(final long nowNs)
    {
        writeHeader(frames, firstIndex, lastIndex);
        final long result = publication.offer(batch, 0, sealed(limit));
        if (result > 0)
        {
            counters.onBatchShipped(frames, limit);
            if (inFlightCount == 0)
            {
                ackWaitSinceNs = nowNs; // the ACK timeout runs from the first batch not acknowledged
            }
            shippedIndex = lastIndex;
            rememberInFlight(lastIndex, frames);
            final long resume = resumeIndex;
            resumeIndex = Journal.NO_INDEX;
            clearBatch();
            if (resume != Journal.NO_INDEX && !tailer.moveToIndex(resume))
            {
                rewindRequested = true; // cannot happen for a position just read; start over from the hive's word
            }
            return 1;
        }
        if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED ||
            result == Publication.MAX_POSITION_EXCEEDED)
        {
            enter(ShipperCounters.NOT_CONNECTED);
        }
        // BACK_PRESSURED or ADMIN_ACTION: keep the batch and offer it again on a later duty cycle.
        return 0;
    }

    private void rememberInFlight(final long index, final int count)
    {
        final int slot = (inFlightHead + inFlightCount) % MAX_UNACKED_BATCHES;
        inFlightLastIndex[slot] = index;
        inFlightFrames[slot] = count;
        inFlightCount++;
        counters.lagFrames(counters.lagFrames() + count);
    }

    private void forgetInFlight(final long heldIndex)
    {
        long lag = counters.lagFrames();
        while (inFlightCount > 0 && inFlightLastIndex[inFlightHead] <= heldIndex)
        {
            lag -= inFlightFrames[inFlightHead];
            inFlightHead = (inFlightHead + 1) % MAX_UNACKED_BATCHES;
            inFlightCount--;
        }
        counters.lagFrames(Math.max(0, lag));
    }

    /** An ACK from the hive. */
    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < ShippingDescriptor.ACK_LENGTH ||
            buffer.getInt(offset + ShippingDescriptor.TYPE_OFFSET, ORDER) != ShippingDescriptor.TYPE_ACK ||
            buffer.getLong(offset + ShippingDescriptor.EDGE_ID_MSB_OFFSET, ORDER) != edgeIdMsb ||
            buffer.getLong(offset + ShippingDescriptor.EDGE_ID_LSB_OFFSET, ORDER) != edgeIdLsb)
        {
            return;
        }
        if (authenticator != null && !authentic(buffer, offset, length))
        {
            return;
        }
        final long held = buffer.getLong(offset + ShippingDescriptor.HELD_INDEX_OFFSET, ORDER);
        ackedFingerprint = buffer.getLong(offset + ShippingDescriptor.HELD_FINGERPRINT_OFFSET, ORDER);
        final int flags = buffer.getInt(offset + ShippingDescriptor.ACK_FLAGS_OFFSET, ORDER);
        if ((flags & ShippingDescriptor.ACK_REFUSED_DUPLICATE_EDGE) != 0)
        {
            onRefusedAsDuplicate();
            return;
        }
        nonce = buffer.getLong(offset + ShippingDescriptor.NONCE_OFFSET, ORDER);
        if (counters.stalled() == ShipperCounters.STALLED_DUPLICATE_EDGE_ID)
        {
            counters.stall(ShipperCounters.NOT_STALLED); // the other connection under this id is gone
            LOG.info("the hive takes this edge's batches again");
        }
        final boolean rewind = (flags & ShippingDescriptor.ACK_REWIND) != 0;
        ackWaitSinceNs = clock.nanoTime();
        ackedIndex = held;
        counters.ackedIndex(held);
        if (state == ShipperCounters.AWAITING_ACK)
        {
            state = ShipperCounters.SHIPPING;
            counters.connectionState(state);
            rewindRequested = true;
        }
        else if (state == ShipperCounters.SHIPPING)
        {
            if (rewind)
            {
                rewindRequested = true;
            }
            else
            {
                forgetInFlight(held);
            }
        }
    }

    /**
     * Whether an ACK carries the MAC of its bytes under the edge's secret (a signed edge takes no other: a forged ACK
     * could make it rewind or take a wrong nonce); a refused one is counted and logged (first and every 1,000th).
     */
    private boolean authentic(final DirectBuffer buffer, final int offset, final int length)
    {
        final ShipperCounters.AckRefusal refusal =
            length < ShippingDescriptor.ACK_LENGTH + BatchAuthenticator.MAC_LENGTH ?
                ShipperCounters.AckRefusal.MISSING_MAC :
                authenticator.verify(buffer, offset, ShippingDescriptor.ACK_LENGTH,
                    offset + ShippingDescriptor.ACK_LENGTH) ? null : ShipperCounters.AckRefusal.BAD_MAC;
        if (refusal == null)
        {
            return true;
        }
        final long refused = counters.acksRefused(refusal);
        counters.onAckRefused(refusal);
        if (refused % 1_000 == 0)
        {
            LOG.warn("an acknowledgement without a valid MAC under this edge's secret refused: {} ({} so far; a " +
                "hive without this edge in --edge-secrets, or a forgery)", refusal.label(), refused + 1);
        }
        return false;
    }

    /**
     * The hive refuses this connection: another live one ships under the same edge id. Nothing is shipped; the
     * shipper keeps saying hello, so it is taken once the other connection has gone (its image timed out at the hive).
     */
    private void onRefusedAsDuplicate()
    {
        if (counters.stalled() != ShipperCounters.STALLED_DUPLICATE_EDGE_ID)
        {
            counters.stall(ShipperCounters.STALLED_DUPLICATE_EDGE_ID);
            LOG.error("the hive refuses this edge: another live edge ships under the same edge id (a copied data " +
                "directory?); nothing is shipped until it has gone (give one of them a new id: delete its edge-id " +
                "file)");
        }
        if (state == ShipperCounters.SHIPPING)
        {
            enter(ShipperCounters.AWAITING_ACK);
        }
    }
}
