package io.pitgun.engine;

import io.pitgun.codecs.frame.FrameFlyweight;
import io.pitgun.codecs.frame.FrameStructure;
import org.agrona.MutableDirectBuffer;

/**
 * A claimed slot to encode one SBE message into directly. Reusable; one per producing thread:
 *
 * <pre>{@code
 * if (claim.tryClaim()) {
 *     int length = encode(claim.buffer(), claim.offset(), claim.capacity());
 *     if (length > 0) { long position = claim.commit(length); } else { claim.abort(); }
 * }
 * }</pre>
 */
public final class SlotClaim
{
    private final RingPublisher publisher;
    private long claimed = -1;
    private FrameSlot slot;

    SlotClaim(final RingPublisher publisher)
    {
        this.publisher = publisher;
    }

    /** Claims a slot, waiting while the ring is full. */
    public void claim()
    {
        requireNotClaimed();
        set(publisher.claim(true));
    }

    /** Claims a slot, or returns false at once (counted as {@code DROPPED_RING_FULL}) when the ring is full. */
    public boolean tryClaim()
    {
        requireNotClaimed();
        final long position = publisher.claim(false);
        if (position < 0)
        {
            return false;
        }
        set(position);
        return true;
    }

    /** Checked before claiming, so that a refused second claim strands no ring sequence. */
    private void requireNotClaimed()
    {
        if (claimed >= 0)
        {
            throw new IllegalStateException("a slot is already claimed: commit() or abort() it first");
        }
    }

    private void set(final long position)
    {
        claimed = position;
        slot = publisher.slot(position);
    }

    /** The buffer to encode into, at {@link #offset()}. */
    public MutableDirectBuffer buffer()
    {
        requireClaimed();
        return slot.buffer();
    }

    /** Where the message starts in {@link #buffer()}. */
    public int offset()
    {
        return SlotDescriptor.FRAME_OFFSET;
    }

    /** The most bytes the message may have. */
    public int capacity()
    {
        return publisher.frameCapacity();
    }

    /**
     * Publishes the message of {@code length} bytes.
     *
     * @return its ring sequence.
     * @throws FrameRejectedException if it is longer than the slot or not a well-formed Pitgun message (the slot is
     *                                then published as rejected).
     * @throws IllegalStateException with {@code producer: single}, while a slot claimed before this one is
     *                               unpublished (nothing changes: publish that one first); once
     *                               {@link TelemetryPipeline#close} has stopped the stages with this slot claimed (the
     *                               message was not taken: counted as {@code DROPPED_UNPROCESSED_AT_CLOSE}, and the
     *                               claim let go).
     */
    public long commit(final int length)
    {
        publisher.requireProducer();
        requireClaimed();
        if (publisher.hasStoppedTakingClaims())
        {
            claimed = -1; // nothing to publish into: the stages are gone, and the journal may be closed
            throw publisher.claimLeftOpenAtClose("commit() of the SlotClaim");
        }
        publisher.requireNextToPublish(claimed);
        final long position = claimed;
        claimed = -1;
        if (length > capacity() || length <= 0)
        {
            publisher.publishRejected(position);
            publisher.count(PipelineCounter.DROPPED_FRAME_TOO_LARGE);
            throw new FrameRejectedException(PipelineCounter.DROPPED_FRAME_TOO_LARGE, "message of " + length +
                " bytes refused: a slot holds " + capacity() + " (max_frame_bytes)");
        }
        if (!FrameStructure.isReadable(FrameStructure.checkExactly(slot.buffer(), SlotDescriptor.FRAME_OFFSET, length)))
        {
            publisher.publishRejected(position);
            publisher.count(PipelineCounter.DROPPED_UNDECODABLE);
            throw new FrameRejectedException(PipelineCounter.DROPPED_UNDECODABLE, "message of " + length +
                " bytes refused: not a well-formed message of the Pitgun SBE schema");
        }
        // In place: a message written with a newer schema's longer blocks becomes this build's layout.
        publisher.publishReady(position, slot,
            FrameFlyweight.copyNormalised(slot.buffer(), SlotDescriptor.FRAME_OFFSET, length, slot.buffer(),
            SlotDescriptor.FRAME_OFFSET));
        return position;
    }

    /**
     * Gives the slot back unused (published as rejected, which every stage skips). Once
     * {@link TelemetryPipeline#close} has stopped the stages with the slot claimed, it only lets the claim go.
     *
     * @throws IllegalStateException with {@code producer: single}, while a slot claimed before this one is
     *                               unpublished (nothing changes: publish that one first).
     */
    public void abort()
    {
        publisher.requireProducer();
        if (claimed >= 0)
        {
            publisher.giveBack(claimed);
            claimed = -1;
        }
    }

    private void requireClaimed()
    {
        if (claimed < 0)
        {
            throw new IllegalStateException("no slot claimed: call claim() or tryClaim() first");
        }
    }
}
