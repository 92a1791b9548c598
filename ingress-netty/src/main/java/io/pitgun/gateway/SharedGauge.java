package io.pitgun.gateway;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * A gateway gauge of {@code int} range (a queue depth, open connections) written by several threads, over one value
 * of the counters file. Writes are atomic (full fence); reads are volatile loads. The method names are those of the
 * {@code AtomicInteger} it replaced, so that admission can still compare-and-set.
 */
final class SharedGauge
{
    private final AtomicCounter counter;

    SharedGauge(final AtomicCounter counter)
    {
        this.counter = counter;
    }

    int get()
    {
        return (int)counter.get();
    }

    int incrementAndGet()
    {
        return (int)counter.increment() + 1;
    }

    int decrementAndGet()
    {
        return (int)counter.decrement() - 1;
    }

    int addAndGet(final int delta)
    {
        return (int)counter.getAndAdd(delta) + delta;
    }

    boolean compareAndSet(final int expected, final int update)
    {
        return counter.compareAndSet(expected, update);
    }
}
