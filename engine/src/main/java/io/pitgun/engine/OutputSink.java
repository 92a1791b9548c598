package io.pitgun.engine;

import org.agrona.DirectBuffer;

/**
 * Receives the pipeline's output on the processing thread, in output order: derived frames (SBE
 * {@code TelemetryFrame}s, header included) and insight documents ({@code insight-contract/v1} JSON, UTF-8).
 * Buffers are valid only during the call. Implementations must not block the processing thread for long.
 */
interface OutputSink extends AutoCloseable
{
    /** One derived frame. */
    void onDerivedFrame(DirectBuffer buffer, int offset, int length);

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
