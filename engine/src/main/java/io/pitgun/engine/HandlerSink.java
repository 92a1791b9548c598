package io.pitgun.engine;

import org.agrona.DirectBuffer;

/** The sink of {@link TelemetryPipelineBuilder#outputHandler}: hands each output to the handler as it comes. */
final class HandlerSink implements OutputSink
{
    private final SubscriptionHandler handler;

    HandlerSink(final SubscriptionHandler handler)
    {
        this.handler = handler;
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        handler.onDerivedFrame(buffer, offset, length);
    }

    @Override
    public void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        handler.onInsight(buffer, offset, length);
    }

    @Override
    public void close()
    {
        // The handler belongs to whoever gave it; it is told nothing more.
    }
}
