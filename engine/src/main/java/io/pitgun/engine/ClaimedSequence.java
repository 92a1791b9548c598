package io.pitgun.engine;

import com.lmax.disruptor.Cursored;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The highest ring sequence any producer has claimed, published or not: what a reader compares a sequence against
 * to know whether its slot may have been taken for a later message ({@link JournalIndexLookup}).
 *
 * <p>The multi-producer sequencer's cursor is exactly this (it moves on claim). The single-producer sequencer's
 * cursor moves only on publish, so with one producer the claim path stores the sequence here itself, before it
 * resets or writes a claimed slot:
 * <pre>
 *   producer: seq = next() ─▶ onClaimed(seq): release store, store-store fence ─▶ reset/write slot ─▶ publish
 *   reader:   read slot ─▶ load-load fence ─▶ highest(): acquire load ─▶ highest - seq &lt; size: slot was seq's
 * </pre>
 * Single writer (the one producer); any number of readers. No allocation.
 */
final class ClaimedSequence
{
    private static final VarHandle HIGHEST;

    static
    {
        try
        {
            HIGHEST = MethodHandles.lookup().findVarHandle(ClaimedSequence.class, "highest", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Cursored sequencer;
    private final boolean singleProducer;
    @SuppressWarnings("unused") // through HIGHEST
    private long highest = -1;

    /**
     * @param sequencer      the ring (its cursor is the answer with several producers).
     * @param singleProducer whether the ring's sequencer is the single-producer one.
     */
    ClaimedSequence(final Cursored sequencer, final boolean singleProducer)
    {
        this.sequencer = sequencer;
        this.singleProducer = singleProducer;
    }

    /** Called by the producer right after claiming up to {@code sequence}, before touching the claimed slots. */
    void onClaimed(final long sequence)
    {
        if (singleProducer)
        {
            HIGHEST.setRelease(this, sequence);
            VarHandle.storeStoreFence(); // no write to a claimed slot may become visible before the claim
        }
    }

    /** The highest sequence claimed so far. Acquire read. */
    long highest()
    {
        return singleProducer ? (long)HIGHEST.getAcquire(this) : sequencer.getCursor();
    }
}
