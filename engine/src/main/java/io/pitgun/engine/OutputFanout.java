package io.pitgun.engine;

import org.agrona.DirectBuffer;

/**
 * The sink stage: hands each output to every configured {@link OutputSink} in a fixed order (digest, JSON-lines
 * file, subscribers), counting it.
 */
final class OutputFanout
{
    private final OutputSink[] sinks;
    private final PipelineCounters counters;

    OutputFanout(final OutputSink[] sinks, final PipelineCounters counters)
    {
        this.sinks = sinks;
        this.counters = counters;
    }

    void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        for (final OutputSink sink : sinks)
        {
            sink.onDerivedFrame(buffer, offset, length);
        }
        counters.increment(PipelineCounter.DERIVED_FRAMES);
    }

    void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        for (final OutputSink sink : sinks)
        {
            sink.onInsight(buffer, offset, length);
        }
        counters.increment(PipelineCounter.INSIGHTS);
    }
}
