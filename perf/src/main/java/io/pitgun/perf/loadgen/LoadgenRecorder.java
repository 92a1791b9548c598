package io.pitgun.perf.loadgen;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@code pitgun loadgen} saw: the latency of every accepted envelope from its <em>intended</em> send time
 * (so a stalled server is charged for the sends it delayed: coordinated omission corrected), one-second interval
 * histograms for the {@code .hlog}, and refusals counted by cause. Safe to record into from any thread.
 */
final class LoadgenRecorder
{
    /** Latencies above this are recorded as this: the run is bounded far below it anyway. */
    static final long MAX_LATENCY_NS = TimeUnit.MINUTES.toNanos(10);

    private final Recorder recorder = new Recorder(MAX_LATENCY_NS, 3);
    private final Histogram total = new Histogram(MAX_LATENCY_NS, 3);
    private final List<Histogram> intervals = new ArrayList<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final LongAdder answered = new LongAdder();
    private final AtomicLong lastAnswerNs = new AtomicLong();
    private Histogram recycled;
    private long intervalStartMs;

    LoadgenRecorder(final long startMs)
    {
        intervalStartMs = startMs;
    }

    /** An accepted envelope intended to be sent at {@code intendedNs} (System.nanoTime) answered now. */
    void accepted(final long intendedNs)
    {
        final long now = System.nanoTime();
        recorder.recordValue(Math.min(MAX_LATENCY_NS, Math.max(1, now - intendedNs)));
        answered.increment();
        lastAnswerNs.accumulateAndGet(now, Math::max);
    }

    /** A refused or failed envelope; {@code cause} is e.g. {@code "http 503"} or {@code "ws nack ring_full"}. */
    void failed(final String cause)
    {
        errors.computeIfAbsent(cause, k -> new LongAdder()).increment();
        answered.increment();
        lastAnswerNs.accumulateAndGet(System.nanoTime(), Math::max);
    }

    /** Envelopes that never got an answer before the drain deadline. */
    void unanswered(final long count)
    {
        if (count > 0)
        {
            errors.computeIfAbsent("no answer", k -> new LongAdder()).add(count);
        }
    }

    long answered()
    {
        return answered.sum();
    }

    long lastAnswerNs()
    {
        return lastAnswerNs.get();
    }

    /** Closes the current interval (called once a second and at the end by one thread). */
    synchronized void closeInterval()
    {
        final long nowMs = System.currentTimeMillis();
        final Histogram interval = recorder.getIntervalHistogram(recycled);
        interval.setStartTimeStamp(intervalStartMs);
        interval.setEndTimeStamp(nowMs);
        intervalStartMs = nowMs;
        total.add(interval);
        intervals.add(interval.copy());
        recycled = interval;
    }

    synchronized Histogram total()
    {
        return total.copy();
    }

    synchronized List<Histogram> intervals()
    {
        return new ArrayList<>(intervals);
    }

    /** Refusals by cause, sorted by cause. */
    Map<String, Long> errors()
    {
        final Map<String, Long> sorted = new TreeMap<>();
        errors.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }

    long errorCount()
    {
        long n = 0;
        for (final LongAdder v : errors.values())
        {
            n += v.sum();
        }
        return n;
    }
}
