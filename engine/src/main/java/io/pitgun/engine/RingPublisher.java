package io.pitgun.engine;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameFlyweight;
import io.pitgun.codecs.frame.FrameStructure;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The producer side of a pipeline: claims ring slots, copies or lets a {@link FrameWriter} / {@link SlotClaim} encode
 * messages into them, and publishes them to the stages. Every claim goes through here:
 * <pre>
 *   claim:   closed? ─▶ next() | tryNext() ─▶ ClaimedSequence.onClaimed ─▶ reset the slot
 *   publish: frame length, ingest time (one clock read) ─▶ FRAMES_ACCEPTED ─▶ [journal ─▶ touch ahead]
 *            ─▶ ringBuffer.publish (release)
 * </pre>
 * [journal]: with {@code journal.thread: producer} ({@link JournalThread#PRODUCER}, single producer only) the
 * publishing thread runs the {@link JournalStage} over each slot it is about to publish, a batch publish as one
 * Disruptor batch (one journal entry): the entry is committed, the slot holds its journal position and the
 * journaled sequence has moved before the slot becomes visible to the stages. A journal failure turns the slot into
 * a rejected one (counted, never acknowledged); a full disk holds the publish until space returns or close(). Then,
 * still before the publish, it takes the next slot's lines for writing ({@link #touchAhead}).
 * A copied message is checked once (FrameStructure; not again when the caller validated it, tryPublishValidatedBatch)
 * and copied normalised to this build's layout ({@code FrameFlyweight.copyNormalised}). A try path (tryPublish,
 * tryPublishBatch, tryPublishValidatedBatch, {@code tryBegin}, {@code tryClaim}, the end-of-stream slot) claims with
 * {@code tryNext} only: {@code next} waits for a free slot, and another producer may take the last one between a
 * capacity check and the claim, so a try path built on it could park an event loop. Allocation-free; thread-safety
 * is the ring's ({@link ProducerMode}): a single-producer ring bound to its thread ({@link #bindProducer}) refuses
 * every other thread's claim, except the end-of-stream slot's, which close() claims once the claims are published.
 */
final class RingPublisher
{
    /** What a try publish returns when the ring lacks the slots (counted {@code DROPPED_RING_FULL}). */
    static final long RING_FULL = -1;
    /** What a try publish returns when the producer's own journal stage refused it ({@code journal.thread:
     *  producer}): its file system is below the headroom (counted {@code DROPPED_JOURNAL_FULL}, nothing claimed; or,
     *  rarely, a write faulted after room was found: the frames from that entry on are rejected and counted the
     *  same), or the stage has stopped for good ({@code DROPPED_JOURNAL_FAILED}). None of it is to be acknowledged. */
    static final long JOURNAL_REFUSED = -2;
    /** The slot bytes an inline-journaling producer touches ahead once a frame is journaled: the header and a typical
     *  frame. */
    private static final int TOUCHED_SLOT_BYTES = SlotDescriptor.HEADER_LENGTH + 192;
    private static final int LINE_SHIFT = 6;

    private final String pipelineName;
    private final ReplayedDictionaryCheck replayedDictionary;
    private final PipelineConfig config;
    private final SlotDescriptor descriptor;
    private final RingBuffer<FrameSlot> ringBuffer;
    private final ClaimedSequence claimed;
    private final PipelineCounters counters;
    private final boolean singleProducer;
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Set by close() once the stages no longer take slots (after its drain, or its deadline): a claim still open then
     * is never processed nor journaled, so its commit is refused rather than publish into a ring nobody reads (and,
     * with {@code journal.thread: producer}, journal into a closed journal). Until then a claim open at close() may
     * still be committed, and is drained like any other.
     */
    private volatile boolean claimsEnded;
    /** Where {@link #touchNextSlot} leaves its loads: a plain field the single producer alone writes. */
    @SuppressWarnings("unused")
    private long touched;
    /**
     * With one producer, the highest sequence it has published: its own record of the ring's cursor, a plain field it
     * alone writes (close()'s end-of-stream slot, claimed once every claim is published, is not recorded). The
     * claim-order checks ({@link #requireNextToPublish}, {@link #requireNoOpenClaim}) read it rather than the cursor,
     * a line the stage threads spin on: reading the cursor in {@code commit()} put the latency profile's publish →
     * journaled p50 at 0.31-0.40 µs instead of 0.25-0.29 µs (PacedLatencyMain, three runs each, 2-vCPU AMD VM).
     */
    private long published = -1;
    /** The journal stage this (single) producer runs before each publish, or null: set once, before any producer
     *  can reach this publisher (the pipeline's constructor; its final field publishes it). */
    private JournalStage inlineJournal;
    /** The one thread a single-producer ring takes claims from once bound ({@link #bindProducer}), or null: any. */
    private volatile Thread producer;

    RingPublisher(final String pipelineName, final PipelineConfig config, final SlotRing ring,
        final ClaimedSequence claimed, final PipelineCounters counters, final ParameterRegistry dictionary)
    {
        this.pipelineName = pipelineName;
        this.replayedDictionary = new ReplayedDictionaryCheck(pipelineName, dictionary);
        this.config = config;
        this.descriptor = ring.descriptor();
        this.ringBuffer = ring.ringBuffer();
        this.claimed = claimed;
        this.counters = counters;
        this.singleProducer = config.producerMode() == ProducerMode.SINGLE;
    }

    /** Makes every publish journal its slots first, on the publishing thread ({@link JournalThread#PRODUCER}). */
    void journalOnPublish(final JournalStage stage)
    {
        inlineJournal = stage;
    }

    /**
     * Binds a single-producer ring to the calling thread: from then on a claim or publish from any other thread is
     * refused ({@link #requireProducer}) before it touches the ring, where the sequencer, which has no atomic claim
     * for one producer, would otherwise hand two threads the same slot. Once only: a second call from another
     * thread is refused too.
     *
     * @throws IllegalStateException for a multi-producer ring, or one already bound to another thread.
     */
    synchronized void bindProducer()
    {
        final Thread caller = Thread.currentThread();
        if (!singleProducer)
        {
            throw new IllegalStateException("pipeline " + pipelineName + " has producer: " +
                config.producerMode().symbol() + "; only a single-producer ring is bound to a thread");
        }
        final Thread bound = producer;
        if (bound != null && bound != caller)
        {
            throw new IllegalStateException("pipeline " + pipelineName + " is already bound to its producer thread " +
                bound.getName() + "; " + caller.getName() + " may not take it over");
        }
        producer = caller;
    }

    /** The configuration the producers see (frame size, validation). */
    PipelineConfig config()
    {
        return config;
    }

    /** The most bytes a message may have. */
    int frameCapacity()
    {
        return descriptor.frameCapacity();
    }

    /** Refuses every later claim; true for the first caller only (close() is idempotent through it). */
    boolean close()
    {
        return closed.compareAndSet(false, true);
    }

    /** Whether {@link #close()} was called. */
    boolean isClosed()
    {
        return closed.get();
    }

    /** close(): the stages take no more slots; a claim still open is refused at its commit from now on. */
    void stopTakingClaims()
    {
        claimsEnded = true;
    }

    /** Whether close() has stopped the stages ({@link #stopTakingClaims}): one volatile read, a plain load on x86. */
    boolean hasStoppedTakingClaims()
    {
        return claimsEnded;
    }

    /** Why a commit of a claim left open at close() is refused; {@code what} names the call. */
    IllegalStateException claimLeftOpenAtClose(final String what)
    {
        return new IllegalStateException("pipeline " + pipelineName + " is closed: " + what + " refused; it was " +
            "left open when close() stopped the stages, so it was not taken (counted as dropped: unprocessed at close)");
    }

    /** The highest ring sequence claimed, published or not ({@link ClaimedSequence#highest}). */
    long highestClaimed()
    {
        return claimed.highest();
    }

    /** Copies one message into a slot and publishes it; -1 (counted) without {@code wait} when the ring is full. */
    long publish(final DirectBuffer buffer, final int offset, final int length, final boolean wait)
    {
        requireProducer();
        requireNoOpenClaim();
        checkMessage(buffer, offset, length, false);
        final JournalStage journal = wait ? null : inlineJournal;
        if (journal != null && !reserveJournal(journal, 1, length))
        {
            return JOURNAL_REFUSED;
        }
        try
        {
            final long position = claimSlot(wait);
            if (position < 0)
            {
                return RING_FULL;
            }
            final FrameSlot slot = slot(position);
            publishReady(position, slot,
                FrameFlyweight.copyNormalised(buffer, offset, length, slot.buffer(), SlotDescriptor.FRAME_OFFSET));
            return journal != null && (journal.hasFailed() || journal.refusedReserved()) ? JOURNAL_REFUSED :
                position;
        }
        finally
        {
            if (journal != null)
            {
                journal.endReservation();
            }
        }
    }

    /**
     * A try publish with {@code journal.thread: producer} must not wait for disk space on its thread (an event
     * loop): it asks its journal stage for room for the whole publish first, and is refused, counted, when there is
     * none. Nothing is claimed yet.
     */
    private boolean reserveJournal(final JournalStage journal, final int messages, final long messageBytes)
    {
        if (journal.reserve(messages, messageBytes))
        {
            return true;
        }
        counters.addShared(journal.hasFailed() ? PipelineCounter.DROPPED_JOURNAL_FAILED :
            PipelineCounter.DROPPED_JOURNAL_FULL, messages);
        return false;
    }

    /**
     * Copies {@code count} messages into consecutive slots and publishes them all at once, or nothing when the ring
     * lacks {@code count} free slots. One claim, one clock read, one counter update and one publish per batch.
     * {@link TelemetryPipeline#tryPublishBatch(DirectBuffer, int[], int[], int, int, long, long, long, int, int)}
     * says what the arguments mean.
     */
    long tryPublishBatch(final DirectBuffer buffer, final int[] offsets, final int[] lengths, final int from,
        final int count, final long eventIdMsb, final long eventIdLsb, final long contentDigest,
        final int firstOrdinal, final int frameCount)
    {
        return publishBatch(buffer, offsets, lengths, from, count, eventIdMsb, eventIdLsb, contentDigest,
            firstOrdinal, frameCount, false);
    }

    /**
     * {@link #tryPublishBatch} for messages the caller has already validated (the gateway's {@code FrameValidator},
     * or {@code EnvelopeDecoder}'s output, which meets the same rule by construction): each is only checked to fit a
     * slot. {@link TelemetryPipeline#tryPublishValidatedBatch} says who may come this way.
     */
    long tryPublishValidatedBatch(final DirectBuffer buffer, final int[] offsets, final int[] lengths,
        final int from, final int count, final long eventIdMsb, final long eventIdLsb, final long contentDigest,
        final int firstOrdinal, final int frameCount)
    {
        return publishBatch(buffer, offsets, lengths, from, count, eventIdMsb, eventIdLsb, contentDigest,
            firstOrdinal, frameCount, true);
    }

    private long publishBatch(final DirectBuffer buffer, final int[] offsets, final int[] lengths, final int from,
        final int count, final long eventIdMsb, final long eventIdLsb, final long contentDigest,
        final int firstOrdinal, final int frameCount, final boolean validated)
    {
        requireProducer();
        requireNoOpenClaim();
        if (count < 1 || count > config.channelCapacity())
        {
            throw new IllegalArgumentException("count: " + count + " is not in [1, " + config.channelCapacity() +
                "] (channel_capacity)");
        }
        long messageBytes = 0;
        for (int i = 0; i < count; i++)
        {
            try
            {
                checkMessage(buffer, offsets[from + i], lengths[from + i], validated);
            }
            catch (final FrameRejectedException ex)
            {
                throw new FrameRejectedException(ex.reason(), "message " + i + " of the batch: " + ex.getMessage());
            }
            messageBytes += lengths[from + i];
        }
        requireOpen();
        final JournalStage journal = inlineJournal;
        if (journal == null)
        {
            return claimAndPublishBatch(buffer, offsets, lengths, from, count, eventIdMsb, eventIdLsb, contentDigest,
                firstOrdinal, frameCount, null);
        }
        if (!reserveJournal(journal, count, messageBytes))
        {
            return JOURNAL_REFUSED;
        }
        try
        {
            final long last = claimAndPublishBatch(buffer, offsets, lengths, from, count, eventIdMsb, eventIdLsb,
                contentDigest, firstOrdinal, frameCount, journal);
            return last >= 0 && (journal.hasFailed() || journal.refusedReserved()) ? JOURNAL_REFUSED : last;
        }
        finally
        {
            journal.endReservation();
        }
    }

    private long claimAndPublishBatch(final DirectBuffer buffer, final int[] offsets, final int[] lengths,
        final int from, final int count, final long eventIdMsb, final long eventIdLsb, final long contentDigest,
        final int firstOrdinal, final int frameCount, final JournalStage journal)
    {
        final long last;
        try
        {
            // Never next(count): when another producer takes the slots first it would wait, on an event loop.
            last = ringBuffer.tryNext(count);
        }
        catch (final InsufficientCapacityException ex)
        {
            counters.addShared(PipelineCounter.DROPPED_RING_FULL, count);
            return RING_FULL;
        }
        claimed.onClaimed(last);
        final long first = last - count + 1;
        // The whole batch becomes visible at one publish: one ingest time for all of it, read before the copies so
        // that a batch's latency includes its own copying.
        final long ingestTimeNs = System.nanoTime();
        for (int i = 0; i < count; i++)
        {
            final FrameSlot slot = ringBuffer.get(first + i);
            slot.reset(SlotDescriptor.STATUS_READY);
            if (frameCount > 0)
            {
                slot.eventIdentity(eventIdMsb, eventIdLsb, contentDigest, firstOrdinal + i, frameCount);
            }
            slot.frameLength(FrameFlyweight.copyNormalised(buffer, offsets[from + i], lengths[from + i],
                slot.buffer(), SlotDescriptor.FRAME_OFFSET));
            slot.ingestTimeNs(ingestTimeNs);
        }
        countAccepted(count);
        if (journal != null)
        {
            for (long sequence = first; sequence <= last; sequence++)
            {
                journal.onEvent(ringBuffer.get(sequence), sequence, sequence == last);
            }
        }
        touchAhead(last);
        ringBuffer.publish(first, last);
        onPublished(last);
        return last;
    }

    /** Publishes a message read from a journal, keeping its journal index (replays); waits while the ring is full. */
    long publishReplayed(final DirectBuffer buffer, final int offset, final int length, final long journalIndex)
    {
        requireProducer();
        requireNoOpenClaim();
        checkMessage(buffer, offset, length, false);
        replayedDictionary.check(buffer, offset);
        final long position = claimSlot(true);
        final FrameSlot slot = slot(position);
        slot.status(SlotDescriptor.STATUS_READY | SlotDescriptor.FLAG_REPLAYED);
        slot.journalIndex(journalIndex);
        publishReady(position, slot,
            FrameFlyweight.copyNormalised(buffer, offset, length, slot.buffer(), SlotDescriptor.FRAME_OFFSET));
        return position;
    }

    /**
     * Claims one slot and resets it for a message: waiting while the ring is full ({@code wait}), else -1 at once,
     * counted as {@code DROPPED_RING_FULL}.
     *
     * @throws IllegalStateException once the pipeline is closed, or from a thread other than the bound producer.
     */
    long claim(final boolean wait)
    {
        requireProducer();
        return claimSlot(wait);
    }

    /**
     * {@link #claim} for a caller that publishes the slot in the same call (a {@code FrameWriter}'s session start and
     * end): refused, before anything is claimed, while this thread holds an open claim ({@link #requireNoOpenClaim}).
     */
    long claimToPublishNow(final boolean wait)
    {
        requireProducer();
        requireNoOpenClaim();
        return claimSlot(wait);
    }

    /** {@link #claim} for a caller that has already passed {@link #requireProducer} (publish, publishReplayed). */
    private long claimSlot(final boolean wait)
    {
        requireOpen();
        final long position;
        if (wait)
        {
            position = singleProducer ? nextUntilClosed() : ringBuffer.next();
        }
        else
        {
            try
            {
                // One atomic claim-if-free: a capacity check then next() would wait (park an event loop) whenever
                // another producer took the last slot in between. The exception is the Disruptor's preallocated
                // singleton without a stack trace: no allocation.
                position = ringBuffer.tryNext();
            }
            catch (final InsufficientCapacityException ex)
            {
                count(PipelineCounter.DROPPED_RING_FULL);
                return -1;
            }
        }
        claimed.onClaimed(position);
        ringBuffer.get(position).reset(SlotDescriptor.STATUS_READY);
        return position;
    }

    /**
     * The one producer's waiting claim: the Disruptor's {@code next()} (a slot when there is room, else parks of 1 ns
     * until there is; {@code tryNext} has the same fast path), but a wait that ends with close(), which claims the
     * end-of-stream slot from this sequencer, not safe for two threads. Before, a producer left waiting in
     * {@code next()} on a full ring at close() claimed the end-of-stream's slot or the one after it once the stages
     * freed them: a frame journaled (inline, so acknowledged) and never processed, or the end never seen (open laps
     * and sessions not flushed), counted nowhere. Several producers claim atomically and keep {@code next()}. Room
     * is asked for first rather than {@code tryNext}'s exception caught: with one producer, room seen stays (only
     * this thread claims), so the {@code next()} after it does not wait.
     *
     * @throws IllegalStateException once close() was called while it waited.
     */
    private long nextUntilClosed()
    {
        while (!ringBuffer.hasAvailableCapacity(1))
        {
            requireOpen();
            LockSupport.parkNanos(1L);
        }
        return ringBuffer.next();
    }

    FrameSlot slot(final long position)
    {
        return ringBuffer.get(position);
    }

    /** Stamps a claimed slot with its message length and ingest time, counts it and publishes it. */
    void publishReady(final long position, final FrameSlot slot, final int length)
    {
        publishReady(position, slot, length, System.nanoTime());
    }

    /** {@link #publishReady(long, FrameSlot, int)} with the producer's own ingest time (FrameWriter.commit(long)). */
    void publishReady(final long position, final FrameSlot slot, final int length, final long ingestTimeNs)
    {
        slot.frameLength(length);
        slot.ingestTimeNs(ingestTimeNs);
        countAccepted(1);
        journal(position, slot);
        touchAhead(position);
        ringBuffer.publish(position);
        onPublished(position);
    }

    /**
     * Once a claim is journaled inline ({@code journal.thread: producer}, so a single producer), before its publish:
     * takes the next slot's lines ahead and reads the journal lines of the next entry, so that the misses fall
     * between this frame's journaled and its return rather than inside the next frame's claim → journaled latency,
     * which this producer (the latency profile's) is there for. Before the publish, not after: until then no other
     * thread can claim the next slot ({@code close()}'s end-of-stream claim waits for every claim to be published,
     * {@link #publishEndOfStream}), so the touch cannot race with a store of another thread; the stages see the
     * frame that much later (plain stores and reads, no wait). A producer whose stages journal has no such latency
     * to protect, and when it is saturated (the gateway's event loop) the touches only add misses ahead of its next
     * claim's writes: the gateway's loop spent about 0.6 µs more per one-frame request at 256 connections with them
     * (GatewayWrkMain, by thread CPU), so it touches ahead only when it journals itself ({@code JOURNAL_ON_LOOP=1}).
     */
    private void touchAhead(final long journaled)
    {
        final JournalStage journal = inlineJournal;
        if (journal != null)
        {
            touchNextSlot(journaled);
            journal.touchNextEntry();
        }
    }

    /**
     * Takes the lines of the slot the single producer claims next (its header and the first frame lines) into this
     * core's cache for writing: a paced producer otherwise finds that slot as the stages left it a ring's lap ago,
     * last read by the stage thread on another core, and its next frame's writes pay for taking each line back (the
     * journal's ordered store waits for them) between claim and journaled. Here that falls in the producer's own time
     * after this frame is journaled. Reading the lines ahead, as this did before, leaves them shared with the stage's
     * core, so the writes still waited; on the 2-vCPU AMD EPYC VM that put the latency profile's p50 at 0.49-0.50 µs
     * instead of 0.26-0.29 µs in runs where the vCPUs' placement made the transfer dear (docs/performance.md, the
     * paced latency section).
     *
     * <p>It writes only a slot every stage is done with ({@code hasAvailableCapacity(1)}: the slot after the last
     * claim, which is {@code position} unless this thread holds another claim, whose slot then holds its own bytes or
     * is published already, unchanged either way; from the sequencer's cached gating sequence, so rarely a cross-core
     * read), only the values already there, and only while {@code position} is unpublished, so no other thread can
     * claim that slot meanwhile: no stage reads it until it is claimed and published again, and its bytes do not
     * change. A slot not yet free is read instead: the lines come over shared, and the stages see nothing.
     */
    private void touchNextSlot(final long position)
    {
        final UnsafeBuffer next = ringBuffer.get(position + 1).buffer();
        final int lines = Math.min(TOUCHED_SLOT_BYTES, next.capacity()) >> LINE_SHIFT;
        if (ringBuffer.hasAvailableCapacity(1))
        {
            for (int line = 0; line < lines; line++)
            {
                final int at = line << LINE_SHIFT;
                next.putLong(at, next.getLong(at));
            }
            return;
        }
        long sum = 0;
        for (int line = 0; line < lines; line++)
        {
            sum += next.getLong(line << LINE_SHIFT);
        }
        touched = sum;
    }

    /**
     * Gives back a claim its holder drops unpublished ({@code abort()} of {@link FrameWriter} and {@link SlotClaim}):
     * published as rejected, or, once close() has stopped the stages, only let go, since the ring and the journal are
     * not to be touched after close.
     *
     * @throws IllegalStateException as {@link #requireNextToPublish}, before anything changes.
     */
    void giveBack(final long position)
    {
        if (!hasStoppedTakingClaims())
        {
            requireNextToPublish(position);
            publishRejected(position);
        }
    }

    /** Publishes a claimed slot as rejected, which every stage skips: a claimed sequence must always be published. */
    void publishRejected(final long position)
    {
        final FrameSlot slot = ringBuffer.get(position);
        slot.status(SlotDescriptor.STATUS_REJECTED);
        journal(position, slot); // nothing to append: moves the journaled sequence past it, as the stage would
        ringBuffer.publish(position);
        onPublished(position);
    }

    /** One slot as a Disruptor batch of one through the inline journal stage, if there is one. */
    private void journal(final long position, final FrameSlot slot)
    {
        final JournalStage journal = inlineJournal;
        if (journal != null)
        {
            journal.onEvent(slot, position, true);
        }
    }

    /**
     * Claims and publishes the end-of-stream slot, waiting for a free slot until {@code deadline} without ever
     * blocking past it (tryNext, not next); -1 when the ring stayed full or {@code consumer} ended, so that nothing
     * marks the end. Cold path: close() only.
     */
    long publishEndOfStream(final long deadline, final Thread consumer)
    {
        // With one producer the sequencer is not thread-safe: claiming here while the producer still holds an
        // unpublished claim (a commit held by the journal's wait for space, journal.thread: producer, which close()
        // has just ended) would let the producer's later publish move the cursor back behind this slot, and the
        // end would never be seen. So wait, until the deadline, for every claim to be published first.
        while (singleProducer && claimed.highest() > ringBuffer.getCursor())
        {
            if (System.nanoTime() - deadline >= 0)
            {
                return -1;
            }
            LockSupport.parkNanos(100_000);
        }
        while (true)
        {
            try
            {
                final long end = ringBuffer.tryNext();
                claimed.onClaimed(end);
                final FrameSlot slot = ringBuffer.get(end);
                slot.reset(SlotDescriptor.STATUS_END_OF_STREAM);
                slot.ingestTimeNs(System.nanoTime());
                ringBuffer.publish(end);
                return end;
            }
            catch (final InsufficientCapacityException ex)
            {
                // The stages free slots as they go; a stuck stage never will.
                if (System.nanoTime() - deadline >= 0 || !consumer.isAlive())
                {
                    return -1;
                }
                LockSupport.parkNanos(100_000);
            }
        }
    }

    /** Counts a refusal from any producer thread. */
    void count(final PipelineCounter counter)
    {
        counters.incrementShared(counter);
    }

    void count(final PipelineCounter counter, final long delta)
    {
        counters.addShared(counter, delta);
    }

    /**
     * Refuses a message larger than a slot or not of the Pitgun schema, counted, before anything is claimed: the one
     * structure check of a message on its way into a slot, unless its producer validated it already.
     *
     * @throws FrameRejectedException naming the reason.
     */
    private void checkMessage(final DirectBuffer buffer, final int offset, final int length, final boolean validated)
    {
        if (length > descriptor.frameCapacity())
        {
            count(PipelineCounter.DROPPED_FRAME_TOO_LARGE);
            throw new FrameRejectedException(PipelineCounter.DROPPED_FRAME_TOO_LARGE, "message of " + length +
                " bytes refused: a slot holds " + descriptor.frameCapacity() + " bytes (max_frame_bytes " +
                config.maxFrameBytes() + "); it was not truncated");
        }
        if (!validated && !FrameStructure.isReadable(FrameStructure.checkExactly(buffer, offset, length)))
        {
            count(PipelineCounter.DROPPED_UNDECODABLE);
            throw new FrameRejectedException(PipelineCounter.DROPPED_UNDECODABLE, "message of " + length +
                " bytes refused: not a well-formed message of the Pitgun SBE schema");
        }
    }

    private void requireOpen()
    {
        if (closed.get())
        {
            throw new IllegalStateException("pipeline " + pipelineName + " is closed");
        }
    }

    /** Records the one producer's publish; several producers write nothing here (no line for them to share). */
    private void onPublished(final long sequence)
    {
        if (singleProducer)
        {
            published = sequence;
        }
    }

    /**
     * On a single-producer ring, refuses a publish that claims and publishes in one call (publish, the batch
     * publishes, publishReplayed, a session start or end) while a claim is open (a {@link FrameWriter} frame begun
     * or a {@link SlotClaim} claimed, not yet committed or aborted): its slot would come after the open one, and
     * publishing it would move the single-producer sequencer's cursor past the open slot, so the stages would take
     * that slot before it is written (and an inline journal would skip it). Checked before claiming, so nothing is
     * claimed or counted. A multi-producer ring tracks each slot's publication itself and needs no such order.
     *
     * @throws IllegalStateException naming the open claim.
     */
    private void requireNoOpenClaim()
    {
        if (singleProducer)
        {
            final long open = claimed.highest();
            if (open > published)
            {
                requireOpen(); // close()'s end-of-stream claim, not yet published: say closed
                throw new IllegalStateException("pipeline " + pipelineName + " has producer: single and ring " +
                    "sequence " + open + " is claimed, not yet published: commit() or abort() the open FrameWriter " +
                    "frame or SlotClaim first");
            }
        }
    }

    /**
     * On a single-producer ring, refuses to publish (commit or abort) the claim at {@code position} while an earlier
     * claim is unpublished: a thread may hold a {@link FrameWriter} frame and a {@link SlotClaim} open at once, but
     * must publish them in the order it claimed them, for the reason {@link #requireNoOpenClaim} gives. The callers
     * check before they change anything, so a refused commit or abort leaves both claims open: publish the earlier,
     * then this one again. A multi-producer ring publishes in any order.
     *
     * @throws IllegalStateException naming the earlier claim.
     */
    void requireNextToPublish(final long position)
    {
        if (!isNextToPublish(position))
        {
            requireOpen(); // the earlier claim may be close()'s end-of-stream slot, never recorded as published
            throw new IllegalStateException("pipeline " + pipelineName + " has producer: single: ring sequence " +
                position + " may not be published before sequence " + (published + 1) + ", claimed earlier: " +
                "commit() or abort() that one first");
        }
    }

    /** Whether the claim at {@code position} may be published now ({@link #requireNextToPublish}). */
    boolean isNextToPublish(final long position)
    {
        return !singleProducer || position == published + 1;
    }

    /**
     * Refuses a claim or publish from a thread other than the bound producer ({@link #bindProducer}); nothing when
     * the ring is not bound. One volatile read and a compare: a plain load on x86. {@link FrameWriter} and
     * {@link SlotClaim} call it before they change anything in commit and abort, so a refused call leaves the
     * claimed slot to its own thread.
     *
     * @throws IllegalStateException naming both threads.
     */
    void requireProducer()
    {
        final Thread bound = producer;
        if (bound != null && bound != Thread.currentThread())
        {
            throw new IllegalStateException("pipeline " + pipelineName + " has producer: single, bound to thread " +
                bound.getName() + "; " + Thread.currentThread().getName() + " may not publish into it");
        }
    }

    // One writer (the single producer) needs no atomic add; several share it.
    private void countAccepted(final int frames)
    {
        if (singleProducer)
        {
            counters.add(PipelineCounter.FRAMES_ACCEPTED, frames);
        }
        else
        {
            counters.addShared(PipelineCounter.FRAMES_ACCEPTED, frames);
        }
    }
}
