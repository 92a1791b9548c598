package io.pitgun.engine;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A Disruptor {@link WaitStrategy} with the semantics of Agrona's {@code BackoffIdleStrategy} and a time-based busy
 * phase: a stage that has caught up spins, then yields until {@code busyNs} have passed since it caught up, then
 * parks, each park twice the last from {@code minParkNs} up to {@code maxParkNs}; a publish wakes a parked stage.
 *
 * <pre>
 *   caught up ─▶ spin ×SPINS ─▶ yield … until busyNs since caught up ─▶ park min, 2·min, 4·min … max, max, …
 *               (Thread.onSpinWait)    (Thread.yield)                    (LockSupport.parkNanos)
 *                ▲                                                      │ a publish unparks it: busy again
 *                └──────────────────────────────────────────────────────┘
 * </pre>
 *
 * Why time, not a count, bounds the busy phase: Linux rounds a park up to the thread's timer slack (50 µs by
 * default), so once a stage has parked, the next frame waits ~55 µs whatever {@code minParkNs} says — the cost
 * {@code SleepingWaitStrategy}'s 100 ns park has at every rate. A stage that stays busy for longer than the gap
 * between frames never parks under a steady load ({@value #DEFAULT_BUSY_US} µs covers 10,000 frames/s twice
 * over) and answers in microseconds, while a stage whose ring went quiet reaches {@code maxParkNs} parks within a
 * few milliseconds, so an idle stage wakes about 500 times a second and costs well under 1 % of a core.
 *
 * <p>Why a publish wakes a parked stage: without it, a frame that arrives after a quiet spell (a producer at 100
 * or 1,000 frames/s, a single request to an idle gateway) waits for the stage's park to run out, up to
 * {@code maxParkNs}: publish → journaled p50 was 1.15 ms at 100 frames/s against 13.5 µs for a bare Chronicle
 * append. A stage registers itself before it parks, and {@link #signalAllWhenBlocking()}, which the Disruptor's
 * sequencer calls after every publish, unparks each registered stage once and takes it off the registry: a
 * producer pays one full fence and one read per publish while no stage sleeps (the fence keeps that read behind the
 * publish's store, {@link #mayBeAsleep}), and one {@code unpark} per parked stage after a quiet spell. A stage woken
 * so goes back to its busy phase, where the stages it follows catch up. What this does not cover, each costing at
 * most one park as before: a stage that follows another ({@code journal.thread: separate}) and parks because the
 * one ahead took longer than the busy phase (a stage's progress signals nobody); and a stage past the registry's
 * {@value #MAX_WAKEABLE} places. While a stage ahead lags (a journal waiting for disk space), each publish buys
 * the stage behind it another busy phase, until the ring is full.
 *
 * <p>The Disruptor shares one wait strategy among a ring's consumers, so each {@link #waitFor} call keeps its phase
 * in locals (no allocation); the only shared state is the registry of parked stages and its two counters. Halting
 * a stage ({@code alert}, which signals too) wakes it at once.
 */
public final class BackoffWaitStrategy implements WaitStrategy
{
    /** Busy spins before the first yield: a hand-off in flight arrives within this. */
    static final int SPINS = 100;
    /** The default busy (spin + yield) phase since the stage caught up, in µs. */
    public static final long DEFAULT_BUSY_US = 200;
    /** The default first park, in ns (the kernel's timer slack rounds it up to ~50 µs). */
    public static final long DEFAULT_MIN_PARK_NS = 50_000;
    /**
     * The default longest park, in ns: an idle stage wakes ~500 times a second. Each wake costs ~30 µs of CPU on the
     * 2-core VM (the timer, two context switches), so this bounds the idle cost (at 1 ms a stage took ~1-2 % of a
     * core); it also bounds the extra delay of the first frame after a quiet spell, while under a steady load the busy
     * phase ({@link #DEFAULT_BUSY_US} µs since the last frame) keeps a stage from parking at all.
     */
    public static final long DEFAULT_MAX_PARK_NS = 2_000_000;

    /** Parked stages a publish can wake: more than a ring's stages; any beyond park on their time-out alone. */
    static final int MAX_WAKEABLE = 16;

    private final long busyNs;
    private final long minParkNs;
    private final long maxParkNs;
    /** How many stages are about to park or parked: what every publish reads, written only around parks. */
    private final AtomicInteger sleepers = new AtomicInteger();
    /** The signals that found a stage about to park or parked: how a stage tells a wake from its time-out. */
    private final AtomicLong wakes = new AtomicLong();
    private final AtomicReferenceArray<Thread> parked = new AtomicReferenceArray<>(MAX_WAKEABLE);

    /** The default phases: {@value #DEFAULT_BUSY_US} µs busy, parks from 50 µs doubling to 2 ms. */
    public BackoffWaitStrategy()
    {
        this(TimeUnit.MICROSECONDS.toNanos(DEFAULT_BUSY_US), DEFAULT_MIN_PARK_NS, DEFAULT_MAX_PARK_NS);
    }

    /**
     * @param busyNs    how long after catching up a stage spins and yields before its first park; above the gap
     *                  between frames at the rate that must answer in microseconds.
     * @param minParkNs the first park.
     * @param maxParkNs the longest park: bounds the idle wake-up rate and the delay of the first frame after a
     *                  quiet spell.
     * @throws IllegalArgumentException if {@code busyNs} is negative, {@code minParkNs < 1} or
     *                                  {@code maxParkNs < minParkNs}.
     */
    public BackoffWaitStrategy(final long busyNs, final long minParkNs, final long maxParkNs)
    {
        if (busyNs < 0 || minParkNs < 1 || maxParkNs < minParkNs)
        {
            throw new IllegalArgumentException("need busyNs >= 0, 1 <= minParkNs <= maxParkNs; got " + busyNs +
                ", " + minParkNs + ", " + maxParkNs);
        }
        this.busyNs = busyNs;
        this.minParkNs = minParkNs;
        this.maxParkNs = maxParkNs;
    }

    @Override
    public long waitFor(final long sequence, final Sequence cursor, final Sequence dependentSequence,
        final SequenceBarrier barrier) throws AlertException
    {
        long available = dependentSequence.get();
        if (available >= sequence)
        {
            return available;
        }
        while (true)
        {
            for (int i = 0; i < SPINS; i++)
            {
                barrier.checkAlert();
                Thread.onSpinWait();
                available = dependentSequence.get();
                if (available >= sequence)
                {
                    return available;
                }
            }
            // One clock read per yield: a yield costs a system call, so the read is noise next to it.
            final long busyUntil = System.nanoTime() + busyNs;
            while (System.nanoTime() - busyUntil < 0)
            {
                barrier.checkAlert();
                Thread.yield();
                available = dependentSequence.get();
                if (available >= sequence)
                {
                    return available;
                }
            }
            long parkNs = minParkNs;
            while (true)
            {
                barrier.checkAlert();
                final long published = cursor.get();
                final long wakesBefore = wakes.get();
                park(parkNs, published, wakesBefore, sequence, cursor, dependentSequence, barrier);
                available = dependentSequence.get();
                if (available >= sequence)
                {
                    return available;
                }
                // A multi-producer cursor moves at the claim, before the publish that signals: the wake count
                // tells a wake that found the cursor where it was from the park's time-out.
                if (wakes.get() != wakesBefore || cursor.get() != published)
                {
                    break; // woken by a publish: busy again while the stages ahead of this one catch up
                }
                parkNs = Math.min(maxParkNs, parkNs << 1);
            }
        }
    }

    /**
     * Parks for up to {@code parkNs} where a publish can wake it, unless since the caller looked something was
     * published ({@code published}, {@code wakesBefore}), became available, or the stage was halted.
     */
    private void park(final long parkNs, final long published, final long wakesBefore, final long sequence,
        final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
    {
        final Thread self = Thread.currentThread();
        int place = 0;
        while (place < MAX_WAKEABLE && !parked.compareAndSet(place, null, self))
        {
            place++;
        }
        // After the registration, and a full fence: a producer that sees the count finds the thread registered, and
        // the checks below see whatever it published or alerted before it read the count.
        registerSleeper();
        try
        {
            if (wakes.get() == wakesBefore && cursor.get() == published && !barrier.isAlerted() &&
                dependentSequence.get() < sequence)
            {
                LockSupport.parkNanos(this, parkNs);
            }
        }
        finally
        {
            sleepers.getAndDecrement();
            if (place < MAX_WAKEABLE)
            {
                parked.compareAndSet(place, self, null); // unless a signal took it off already
            }
        }
    }

    /**
     * Wakes the parked stages, if any, each once: called by the sequencer after every publish and by an alert.
     */
    @Override
    public void signalAllWhenBlocking()
    {
        if (!mayBeAsleep())
        {
            return;
        }
        wakes.getAndIncrement();
        for (int place = 0; place < MAX_WAKEABLE; place++)
        {
            final Thread stage = parked.get(place);
            if (stage != null && parked.compareAndSet(place, stage, null))
            {
                LockSupport.unpark(stage);
            }
        }
    }

    /**
     * The producer's half of the wake-up handshake, after its publish's store: whether a stage may be about to
     * park or parked. {@link #registerSleeper()} is the stage's half. The full fence keeps the read of the count
     * behind the publish's store: that store is a release store (the cursor with a single producer, an availability
     * flag with several), which a later load may pass, so without the fence a stage registering at that moment finds
     * the old cursor and parks while the producer finds no sleeper, and a frame waits out the whole park
     * ({@code BackoffWakeUpStress} saw it in about a third of its trials). Several producers were covered anyway:
     * their claim's CAS moved the cursor the stage looks at, where a single producer's moves only at the publish.
     */
    boolean mayBeAsleep()
    {
        VarHandle.fullFence();
        return sleepers.get() != 0;
    }

    /**
     * The stage's half, before its last look at the cursor: counts it among the sleepers, with a full fence (an
     * atomic add), so a producer that reads the count after this sees it, and the stage's look after this sees a
     * publish whose producer read the count before.
     */
    void registerSleeper()
    {
        sleepers.getAndIncrement();
    }

    @Override
    public String toString()
    {
        return "BackoffWaitStrategy{busyNs=" + busyNs + ", minParkNs=" + minParkNs + ", maxParkNs=" + maxParkNs + '}';
    }
}
