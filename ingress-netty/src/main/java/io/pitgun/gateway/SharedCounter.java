package io.pitgun.gateway;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * A gateway counter or long gauge written by several threads (the event loops, the accept thread), over one value
 * of the counters file. Writes are atomic read-modify-writes (full fence; event loops share them); reads are
 * volatile loads. The method names are those of the {@code LongAdder} and {@code AtomicLong} it replaced.
 */
final class SharedCounter
{
    private final AtomicCounter counter;

    SharedCounter(final AtomicCounter counter)
    {
        this.counter = counter;
    }

    void increment()
    {
        counter.increment();
    }

    void add(final long delta)
    {
        counter.getAndAdd(delta);
    }

    long addAndGet(final long delta)
    {
        return counter.getAndAdd(delta) + delta;
    }

    void set(final long value)
    {
        counter.set(value);
    }

    long sum()
    {
        return counter.get();
    }

    long get()
    {
        return counter.get();
    }
}
