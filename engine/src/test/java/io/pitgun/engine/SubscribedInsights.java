package io.pitgun.engine;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/** Reads every insight waiting in a subscription as text, ignoring derived frames (tests that check insights). */
final class SubscribedInsights
{
    private SubscribedInsights()
    {
    }

    /** The insights {@code subscription} holds now, in order. */
    static List<String> drain(final Subscription subscription)
    {
        final List<String> insights = new ArrayList<>();
        subscription.poll(new SubscriptionHandler()
        {
            @Override
            public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
            {
            }

            @Override
            public void onInsight(final DirectBuffer buffer, final int offset, final int length)
            {
                insights.add(buffer.getStringWithoutLengthUtf8(offset, length));
            }
        }, Integer.MAX_VALUE);
        return insights;
    }
}
