package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterTable;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.manifest.runtime.FrameValues;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.pitgun.codecs.frame.FrameDescriptor.LAP_NUMBER;
import static io.pitgun.codecs.frame.FrameDescriptor.NULL_LAP;
import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static io.pitgun.codecs.frame.FrameDescriptor.QUALITY_INVALID;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLES;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_ID;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_QUALITY;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE_TYPE;
import static io.pitgun.codecs.frame.FrameDescriptor.SEQUENCE;
import static io.pitgun.codecs.frame.FrameDescriptor.TIMESTAMP_US;

/**
 * The segment stage: aggregates the derived frames of each stream per lap and per session and emits
 * {@code insight-contract/v1} lap and session summaries with their provenance (manifest digest, journal index
 * range). A lap ends when a frame carries another lap number; a session ends with its {@code SessionEnd}, a new
 * {@code SessionStart} of the same stream, or the end of the stream at {@code close()}. Time comes only from the
 * frames' {@code timestamp_us}.
 *
 * <p>Per frame it only reads the derived frame's samples into a capture table and updates running statistics:
 * no allocation. Writing a summary (once per lap) allocates.
 */
final class SegmentStage
{
    private final SegmentPlan plan;
    private final InsightWriter writer;
    private final OutputFanout fanout;
    private final boolean emitInsights;
    /** This frame's captured values: {@link FrameValues#clear()} is one increment, not a fill per frame (a fill
     *  was a tenth of the processing thread's samples in a 100-frame gateway profile). */
    private final FrameValues captured;
    private final UnsafeBuffer insightBuffer = new UnsafeBuffer(new byte[0]);

    SegmentStage(final SegmentPlan plan, final InsightWriter writer, final OutputFanout fanout,
        final boolean emitInsights)
    {
        this.plan = plan;
        this.writer = writer;
        this.fanout = fanout;
        this.emitInsights = emitInsights;
        captured = new FrameValues(plan.captureCount);
    }

    /**
     * The longest an insight it emits can be ({@link InsightWriter#widestLength}: but for the laps a session summary
     * lists), lap or session summary; 0 when it emits none. Cold: writes the widest summaries once.
     */
    int widestInsightLength()
    {
        if (!emitInsights)
        {
            return 0;
        }
        final int lap = plan.hasLap() ? writer.widestLength(plan.lapAggregates, false) : 0;
        final int session = plan.hasSession() ? writer.widestLength(plan.sessionAggregates, true) : 0;
        return Math.max(lap, session);
    }

    boolean active()
    {
        return plan.hasLap() || plan.hasSession();
    }

    void onDerivedFrame(final StreamState stream, final DirectBuffer frame, final int offset, final long firstIndex,
        final long lastIndex)
    {
        final StreamSegments segments = stream.segments;
        if (segments.lap == null && segments.session == null)
        {
            return;
        }
        final long timestampUs = frame.getLong(offset + TIMESTAMP_US, ORDER);
        final long sequence = frame.getLong(offset + SEQUENCE, ORDER);
        final int lapNumber = frame.getShort(offset + LAP_NUMBER, ORDER) & 0xFFFF;
        capture(frame, offset);

        final SegmentWindow lap = segments.lap;
        if (lap != null)
        {
            if (lapNumber != NULL_LAP && lap.open && lap.lapNumber != lapNumber)
            {
                closeLap(stream);
            }
            if (lap.open || lapNumber != NULL_LAP)
            {
                if (!lap.open)
                {
                    lap.lapNumber = lapNumber;
                }
                lap.add(timestampUs, sequence, firstIndex, lastIndex);
                accumulate(lap, plan.lapAggregates, timestampUs);
            }
        }
        final SegmentWindow session = segments.session;
        if (session != null)
        {
            session.add(timestampUs, sequence, firstIndex, lastIndex);
            accumulate(session, plan.sessionAggregates, timestampUs);
        }
    }

    /** Emits what is open for the stream (its last lap, then its session summary). */
    void endStream(final StreamState stream)
    {
        final StreamSegments segments = stream.segments;
        if (segments.lap != null && segments.lap.open)
        {
            closeLap(stream);
        }
        final SegmentWindow session = segments.session;
        if (session != null && session.open)
        {
            if (emitInsights)
            {
                emit(writer.sessionSummary(stream, session, plan.sessionAggregates, segments.laps,
                    segments.lapsOmitted));
            }
            session.reset();
        }
        segments.clearLaps();
    }

    private void closeLap(final StreamState stream)
    {
        final StreamSegments segments = stream.segments;
        final SegmentWindow lap = segments.lap;
        final String insightId = writer.insightId(stream, "lap_summary", lap.lapNumber, lap);
        if (emitInsights)
        {
            emit(writer.lapSummary(stream, lap, plan.lapAggregates, insightId));
        }
        if (segments.session != null)
        {
            segments.addLap(new StreamSegments.LapEntry(lap.lapNumber, lap.startTimestampUs, lap.endTimestampUs,
                lap.frameCount, insightId));
        }
        lap.reset();
    }

    private void emit(final byte[] document)
    {
        insightBuffer.wrap(document);
        fanout.onInsight(insightBuffer, 0, document.length);
    }

    private void capture(final DirectBuffer frame, final int offset)
    {
        captured.clear();
        final int count = FrameDescriptor.sampleCount(frame, offset);
        final ParameterTable captures = plan.captures;
        int s = offset + SAMPLES;
        for (int i = 0; i < count; i++, s += SAMPLE_LENGTH)
        {
            final int capture = captures.slot(frame.getShort(s + SAMPLE_ID, ORDER) & 0xFFFF);
            if (capture >= 0 && frame.getByte(s + SAMPLE_QUALITY) != QUALITY_INVALID)
            {
                captured.putDouble(capture, FrameDescriptor.doubleValue(frame.getByte(s + SAMPLE_VALUE_TYPE),
                    frame.getLong(s + SAMPLE_VALUE, ORDER)));
            }
        }
    }

    private void accumulate(final SegmentWindow window, final java.util.List<SegmentPlan.Aggregate> aggregates,
        final long timestampUs)
    {
        for (int i = 0; i < window.stats.length; i++)
        {
            final int capture = aggregates.get(i).captureIndex();
            if (captured.isPresent(capture))
            {
                window.stats[i].add(timestampUs, captured.doubleValue(capture));
            }
        }
    }
}
