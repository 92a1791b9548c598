package io.pitgun.sinks;

import io.pitgun.engine.InsightRedactor;
import io.pitgun.engine.OutputSink;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Hands a database sink every output, with each insight's lap statistics of restricted and internal channels taken
 * out ({@link InsightRedactor}): a database is read by more people than the journal it is fed from, so its rows
 * follow {@code output.include_restricted} as every output file does. Frames need no such step: the sink's
 * {@link ChannelNames} has no name for a hidden channel, and a sample without a name is not written.
 */
final class InsightRedactingSink implements OutputSink
{
    private final OutputSink sink;
    private final InsightRedactor redactor;
    private final UnsafeBuffer redacted = new UnsafeBuffer(new byte[0]);

    InsightRedactingSink(final OutputSink sink, final InsightRedactor redactor)
    {
        this.sink = sink;
        this.redactor = redactor;
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        sink.onDerivedFrame(buffer, offset, length);
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length, final long position)
    {
        sink.onDerivedFrame(buffer, offset, length, position);
    }

    @Override
    public void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
        // Cold path: once per lap or session.
        final byte[] bytes = redactor.redact(buffer, offset, length);
        redacted.wrap(bytes);
        sink.onInsight(redacted, 0, bytes.length);
    }

    @Override
    public void onIdle()
    {
        sink.onIdle();
    }

    @Override
    public void close()
    {
        sink.close();
    }
}
