package io.pitgun.engine;

import org.agrona.DirectBuffer;

/**
 * The sink stage: hands each output to every configured {@link OutputSink} in a fixed order (digest, JSON-lines
 * file, subscribers), counting it.
 *
 * <p>A sink that throws (a JSON-lines file on a full disk, say) is reported once through the pipeline's error
 * handler and skipped from then on; the other sinks and the stages are not interrupted, so what they see is what
 * they would have seen without it, and the journal still holds every frame. Closing the pipeline then fails with
 * that sink's error, so its incomplete output does not pass unnoticed.
 */
final class OutputFanout
{
    private final OutputSink[] sinks;
    private final boolean[] failed;
    private final PipelineCounters counters;
    private final StageErrors errors;

    OutputFanout(final OutputSink[] sinks, final PipelineCounters counters, final StageErrors errors)
    {
        this.sinks = sinks;
        this.failed = new boolean[sinks.length];
        this.counters = counters;
        this.errors = errors;
    }

    void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length, final long position)
    {
        deliver(false, buffer, offset, length, position);
        counters.increment(PipelineCounter.DERIVED_FRAMES);
    }

    void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        deliver(true, buffer, offset, length, -1);
        counters.increment(PipelineCounter.INSIGHTS);
    }

    /** The processing stage caught up with the ring: each sink may write out what it buffers. */
    void onIdle()
    {
        final OutputSink[] sinks = this.sinks;
        for (int i = 0; i < sinks.length; i++)
        {
            if (!failed[i])
            {
                try
                {
                    sinks[i].onIdle();
                }
                catch (final RuntimeException ex)
                {
                    fail(i, ex);
                }
            }
        }
    }

    private void deliver(final boolean insight, final DirectBuffer buffer, final int offset, final int length,
        final long position)
    {
        final OutputSink[] sinks = this.sinks;
        for (int i = 0; i < sinks.length; i++)
        {
            if (!failed[i])
            {
                try
                {
                    if (insight)
                    {
                        sinks[i].onInsight(buffer, offset, length);
                    }
                    else
                    {
                        sinks[i].onDerivedFrame(buffer, offset, length, position);
                    }
                }
                catch (final RuntimeException ex)
                {
                    fail(i, ex);
                }
            }
        }
    }

    private void fail(final int i, final RuntimeException ex)
    {
        failed[i] = true;
        errors.onError("sink " + sinks[i].getClass().getSimpleName() + " (skipped from now on)", ex);
    }
}
