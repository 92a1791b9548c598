package io.pitgun.sinks;

import org.agrona.DirectBuffer;

/** A database sink for the runner's tests: counts the derived frames it receives; fails once it has {@code failAt}. */
final class CountingDatabaseSink implements DatabaseSink
{
    private final long failAt;
    volatile long frames;

    CountingDatabaseSink(final long failAt)
    {
        this.failAt = failAt;
    }

    @Override
    public Throwable failure()
    {
        return frames >= failAt ? new IllegalStateException("connection lost") : null;
    }

    @Override
    public boolean isFlushed()
    {
        return true;
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        frames++;
    }

    @Override
    public void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
    }

    @Override
    public void close()
    {
    }
}
