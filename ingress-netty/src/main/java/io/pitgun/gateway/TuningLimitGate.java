package io.pitgun.gateway;

import io.pitgun.engine.tuning.ChannelLimitTable;
import org.agrona.MutableDirectBuffer;

import java.util.UUID;

/**
 * The tuning policy's channel limits on the ingest path, after the dictionary check and before anything is
 * published: a frame with a sample outside a {@code reject} limit refuses its envelope (or binary message) with
 * 422 {@link RejectReason#TUNING_LIMIT_EXCEEDED}; samples outside a {@code flag} limit are marked {@code DEGRADED}
 * in place and counted once their envelope is accepted. One per event loop (the table is shared); allocation-free
 * but for the refusal's text.
 */
final class TuningLimitGate
{
    private final ChannelLimitTable table;
    private int refusedFrame = -1;
    private int refusedSample = -1;
    private int flagged;

    TuningLimitGate(final ChannelLimitTable table)
    {
        this.table = table;
    }

    /**
     * Checks the {@code count} validated messages at {@code offsets[first..]} of {@code buffer}: false when one is
     * outside a reject limit ({@link #describe} says which), else true with the flagged samples marked
     * ({@link #flagged()} says how many). Nothing is marked when the answer is false.
     */
    boolean check(final MutableDirectBuffer buffer, final int[] offsets, final int first, final int count)
    {
        refusedFrame = -1;
        flagged = 0;
        for (int m = 0; m < count; m++)
        {
            final int sample = table.firstRejected(buffer, offsets[first + m]);
            if (sample != ChannelLimitTable.WITHIN_LIMITS)
            {
                refusedFrame = m;
                refusedSample = sample;
                return false;
            }
        }
        if (table.hasFlagLimits())
        {
            for (int m = 0; m < count; m++)
            {
                flagged += table.flag(buffer, offsets[first + m]);
            }
        }
        return true;
    }

    /** Samples the last successful {@link #check} flagged. */
    int flagged()
    {
        return flagged;
    }

    /** The refused sample of the last failed {@link #check}. Cold path. */
    ChannelLimitTable.Violation violation(final MutableDirectBuffer buffer, final int[] offsets, final int first)
    {
        return table.violation(buffer, offsets[first + refusedFrame], refusedSample);
    }

    /** Index (among the checked messages) of the frame the last failed {@link #check} refused. */
    int refusedFrame()
    {
        return refusedFrame;
    }

    /**
     * The {@code errors[]} entry of an envelope refused by the last {@link #check}, shaped as a decoder error's
     * ({@code index}, {@code event_id}, {@code code}, {@code status}, {@code pointer}, {@code frame},
     * {@code message}) plus {@code limit}, {@code channel}, {@code value} and {@code bound}. Cold path.
     */
    String describeEnvelope(final int index, final long eventMsb, final long eventLsb,
        final ChannelLimitTable.Violation violation)
    {
        final StringBuilder out = new StringBuilder(256).append('{');
        JsonText.key(out, "index").append(index).append(',');
        JsonText.key(out, "event_id");
        JsonText.quote(out, new UUID(eventMsb, eventLsb).toString()).append(',');
        JsonText.key(out, "code");
        JsonText.quote(out, RejectReason.TUNING_LIMIT_EXCEEDED.name()).append(',');
        JsonText.key(out, "status").append(RejectReason.TUNING_LIMIT_EXCEEDED.status()).append(',');
        JsonText.key(out, "pointer");
        JsonText.quote(out, "/payload/frames/" + refusedFrame + "/samples/" + violation.limit().channel()).append(',');
        JsonText.key(out, "frame").append(refusedFrame).append(',');
        JsonText.key(out, "limit");
        JsonText.quote(out, violation.limit().name()).append(',');
        JsonText.key(out, "channel");
        JsonText.quote(out, violation.limit().channel()).append(',');
        JsonText.key(out, "value").append(ChannelLimitTable.number(violation.value())).append(',');
        JsonText.key(out, "bound").append(ChannelLimitTable.number(violation.bound())).append(',');
        JsonText.key(out, "message");
        JsonText.quote(out, "frame " + refusedFrame + ": " + violation.describe());
        return out.append('}').toString();
    }
}
