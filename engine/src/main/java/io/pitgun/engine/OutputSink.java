package io.pitgun.engine;

import org.agrona.DirectBuffer;

/**
 * Receives the pipeline's output on the processing thread, in output order: derived frames (SBE
 * {@code TelemetryFrame}s, header included) and insight documents ({@code insight-contract/v1} JSON, UTF-8).
 * Buffers are valid only during the call. A sink slows the processing thread by the time it takes, so a sink that
 * writes to another system ({@link TelemetryPipelineBuilder#outputSink}) belongs in a pipeline of its own fed by a
 * {@link JournalFollower}, never in the ingesting one.
 */
public interface OutputSink extends AutoCloseable
{
    /** One derived frame. */
    void onDerivedFrame(DirectBuffer buffer, int offset, int length);

    /**
     * One derived frame with the position of the last message it came from (the journal index in a journaled
     * pipeline, the position a {@link JournalFollower} published it with in a replay): what a sink keys its
     * exactly-once resume on. Default: {@link #onDerivedFrame(DirectBuffer, int, int)}.
     */
    default void onDerivedFrame(DirectBuffer buffer, int offset, int length, long position)
    {
        onDerivedFrame(buffer, offset, length);
    }

    /** One insight document. */
    void onInsight(DirectBuffer buffer, int offset, int length);

    /**
     * The processing stage has caught up with the ring (only called in a pipeline built with
     * {@code flushOutputWhenIdle}): a sink that buffers writes out what it holds, so a reader of its file sees every
     * output so far whenever the pipeline is idle. Default: nothing.
     */
    default void onIdle()
    {
    }

    /** Releases resources after the last output (called once, after the processing thread stopped). */
    @Override
    void close();
}
