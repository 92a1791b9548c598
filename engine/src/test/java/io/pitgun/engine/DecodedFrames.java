package io.pitgun.engine;

import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/** Collects a subscription's derived frames as plain values, for comparing whole outputs in merge tests. */
final class DecodedFrames implements SubscriptionHandler
{
    /**
     * One output frame: header fields and its samples, each as {@code id=value} (the value read in its type) in
     * frame order, so two outputs compare equal only when they carry the same samples in the same order.
     */
    record Out(long timestampUs, int source, long sequence, int flags, List<String> samples)
    {
        boolean has(final int parameterId)
        {
            return samples.stream().anyMatch(s -> s.startsWith(parameterId + "="));
        }

        double doubleValue(final int parameterId)
        {
            for (final String s : samples)
            {
                final String[] parts = s.split("=");
                if (Integer.parseInt(parts[0]) == parameterId)
                {
                    return Double.parseDouble(parts[1]);
                }
            }
            throw new AssertionError("no sample " + parameterId + " in " + this);
        }
    }

    final List<Out> frames = new ArrayList<>();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TelemetryFrameDecoder frame = new TelemetryFrameDecoder();

    /** Polls everything the closed pipeline left in the subscription. */
    static List<Out> drain(final Subscription subscription)
    {
        final DecodedFrames frames = new DecodedFrames();
        while (subscription.poll(frames, 1024) > 0)
        {
            // keep polling: the subscription is bounded per poll
        }
        return frames.frames;
    }

    @Override
    public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
    {
        frame.wrapAndApplyHeader(buffer, offset, header);
        final List<String> samples = new ArrayList<>();
        final long t = frame.timestampUs();
        final int source = frame.sourceId();
        final long sequence = frame.sequence();
        final int flags = frame.flags().getRaw() & 0xFF;
        for (final TelemetryFrameDecoder.SamplesDecoder s : frame.samples())
        {
            samples.add(s.parameterId() + "=" + FrameDescriptor.doubleValue(s.valueTypeRaw(), s.value()));
        }
        frames.add(new Out(t, source, sequence, flags, samples));
    }

    @Override
    public void onInsight(final DirectBuffer buffer, final int offset, final int length)
    {
    }
}
