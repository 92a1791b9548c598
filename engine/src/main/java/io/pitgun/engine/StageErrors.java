package io.pitgun.engine;

import com.lmax.disruptor.ExceptionHandler;

import java.util.function.BiConsumer;

/**
 * Where stage exceptions go: counted ({@code STAGE_ERRORS}), the first kept for {@link TelemetryPipeline#firstError()},
 * and passed to the embedder's handler. A failing frame is skipped; the stage thread carries on, also when the
 * handler throws (its exception is added to the error as suppressed).
 */
final class StageErrors implements ExceptionHandler<FrameSlot>
{
    private final PipelineCounters counters;
    private final BiConsumer<String, Throwable> handler;
    private volatile Throwable first;

    StageErrors(final PipelineCounters counters, final BiConsumer<String, Throwable> handler)
    {
        this.counters = counters;
        this.handler = handler;
    }

    void onError(final String stage, final Throwable error)
    {
        counters.incrementShared(PipelineCounter.STAGE_ERRORS);
        if (first == null)
        {
            first = error;
        }
        try
        {
            handler.accept(stage, error);
        }
        catch (final RuntimeException handlerFailure)
        {
            // An embedder's handler that throws must not stop the stage thread (the Disruptor's processor would end)
            // or a producer's publish (journal.thread: producer calls this between a claim and its publish). One
            // suppressed at most: an error reported again must not grow.
            if (handlerFailure != error && error.getSuppressed().length == 0)
            {
                error.addSuppressed(handlerFailure);
            }
        }
    }

    Throwable first()
    {
        return first;
    }

    @Override
    public void handleEventException(final Throwable ex, final long sequence, final FrameSlot slot)
    {
        onError("slot " + sequence, ex);
    }

    @Override
    public void handleOnStartException(final Throwable ex)
    {
        onError("start", ex);
    }

    @Override
    public void handleOnShutdownException(final Throwable ex)
    {
        onError("shutdown", ex);
    }
}
