package io.pitgun.engine;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.PipelineDrainedDecoder;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import org.agrona.DirectBuffer;

import static io.pitgun.codecs.frame.FrameDescriptor.MARKER_SESSION_LSB;
import static io.pitgun.codecs.frame.FrameDescriptor.MARKER_SESSION_MSB;
import static io.pitgun.codecs.frame.FrameDescriptor.MARKER_SOURCE_ID;
import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;

/**
 * The processing thread's event handler: dispatches each slot by template id through the merge → manifest →
 * segment → sink stages, which run one after another on this thread (a merge turns one slot into zero, one or two
 * frames, so they are calls rather than separate ring consumers; on two cores fewer threads is also faster). It
 * runs after the journal stage, so every frame it sees has its journal index.
 *
 * <p>Session markers: a {@code SessionStart} ends the stream's previous segments (if the stream was live); a
 * {@code SessionEnd} flushes the session's merge window and ends every stream of the session. The end-of-stream
 * slot published by {@code close()} flushes everything.
 *
 * <p>A pipeline's runs, in a replay: a live pipeline journals {@code ManifestLoaded} as it starts and
 * {@code PipelineDrained} once its close drained it, and never receives either through its ring; a replay reads
 * them with the frames. At a {@code PipelineDrained} this stage drains as the stop did (as the end-of-stream slot
 * does); at a {@code ManifestLoaded} it forgets every stream and merge session, unended, since the pipeline that
 * wrote the journal started again there with none (after a {@code kill -9} the open laps were never summarised).
 * So a replay of a journal that spans restarts derives what each run derived, not what one pipeline carrying its
 * streams across the restarts would.
 *
 * <p>Latency: publish → processed is recorded once per batch, against one clock reading taken when the batch's
 * last frame is done (a frame counts as processed when its batch is), so the stage pays one {@code nanoTime} and one
 * recorder critical section per batch rather than per frame.
 */
final class ProcessingStage implements EventHandler<FrameSlot>
{
    private final MergeStage merge;
    private final SegmentStage segment;
    private final StreamTable streams;
    private final PipelineCounters counters;
    private final RingBuffer<FrameSlot> ringBuffer;
    private final BatchLatencyRecorder processedLatency;
    /** Told when the stage has caught up with the ring ({@code flushOutputWhenIdle}), or null. */
    private final OutputFanout idleOutput;
    private long batchStart = -1;

    ProcessingStage(final MergeStage merge, final SegmentStage segment, final StreamTable streams,
        final PipelineCounters counters, final PipelineLatency latency, final RingBuffer<FrameSlot> ringBuffer)
    {
        this(merge, segment, streams, counters, latency, ringBuffer, null);
    }

    /**
     * @param idleOutput told (its sinks flush) at the end of each batch after which nothing more was published, or
     *                   null never to be told.
     */
    ProcessingStage(final MergeStage merge, final SegmentStage segment, final StreamTable streams,
        final PipelineCounters counters, final PipelineLatency latency, final RingBuffer<FrameSlot> ringBuffer,
        final OutputFanout idleOutput)
    {
        this.idleOutput = idleOutput;
        this.merge = merge;
        this.segment = segment;
        this.streams = streams;
        this.counters = counters;
        this.ringBuffer = ringBuffer;
        this.processedLatency = latency.recorder(LatencyStage.PUBLISH_TO_PROCESSED);
    }

    @Override
    public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch)
    {
        if (batchStart < 0)
        {
            batchStart = sequence;
        }
        try
        {
            process(slot, sequence);
        }
        catch (final RuntimeException | Error ex)
        {
            // The Disruptor reports it and hands these slots back to the producers: close the batch while they
            // are still ours, so its latencies never read a slot that was reused.
            recordLatency(sequence);
            throw ex;
        }
        if (endOfBatch)
        {
            recordLatency(sequence);
            // A batch is capped at one journal entry, so its end alone does not mean idle: the cursor says whether
            // anything was claimed after it (a later batch then ends with this check again).
            if (idleOutput != null && sequence >= ringBuffer.getCursor())
            {
                idleOutput.onIdle();
            }
        }
    }

    private void recordLatency(final long lastSequence)
    {
        final long now = System.nanoTime();
        final BatchLatencyRecorder recorder = processedLatency;
        recorder.beginBatch();
        for (long s = batchStart; s <= lastSequence; s++)
        {
            final FrameSlot slot = ringBuffer.get(s);
            final int kind = slot.status() & SlotDescriptor.STATUS_MASK;
            if (kind != SlotDescriptor.STATUS_REJECTED && kind != SlotDescriptor.STATUS_END_OF_STREAM)
            {
                recorder.record(now - slot.ingestTimeNs());
            }
        }
        recorder.endBatch();
        batchStart = -1;
    }

    private void process(final FrameSlot slot, final long sequence)
    {
        final int kind = slot.status() & SlotDescriptor.STATUS_MASK;
        if (kind == SlotDescriptor.STATUS_REJECTED)
        {
            return;
        }
        if (kind == SlotDescriptor.STATUS_END_OF_STREAM)
        {
            drain(slot);
            return;
        }
        long index = slot.journalIndex();
        if (index == SlotDescriptor.NO_JOURNAL_INDEX)
        {
            index = sequence; // a pipeline without a journal: the ring position stands in for the index
        }
        final DirectBuffer buffer = slot.buffer();
        final int offset = SlotDescriptor.FRAME_OFFSET;
        // Every slot holds one valid message in this build's layout (FrameDescriptor): validated once on its way in.
        switch (FrameDescriptor.templateId(buffer, offset))
        {
            case TelemetryFrameDecoder.TEMPLATE_ID:
                merge.onFrame(slot, buffer, offset, index);
                break;
            case SessionStartDecoder.TEMPLATE_ID:
            {
                counters.increment(PipelineCounter.SESSION_MARKERS);
                final StreamState stream = streams.find(buffer.getLong(offset + MARKER_SESSION_MSB, ORDER),
                    buffer.getLong(offset + MARKER_SESSION_LSB, ORDER),
                    buffer.getShort(offset + MARKER_SOURCE_ID, ORDER) & 0xFFFF);
                if (stream != null)
                {
                    segment.endStream(stream);
                    streams.remove(stream);
                }
                break;
            }
            case SessionEndDecoder.TEMPLATE_ID:
            {
                counters.increment(PipelineCounter.SESSION_MARKERS);
                final long msb = buffer.getLong(offset + MARKER_SESSION_MSB, ORDER);
                final long lsb = buffer.getLong(offset + MARKER_SESSION_LSB, ORDER);
                merge.onSessionEnd(slot, msb, lsb);
                endStreams(true, msb, lsb);
                break;
            }
            case PipelineDrainedDecoder.TEMPLATE_ID:
                drain(slot);
                break;
            case ManifestLoadedDecoder.TEMPLATE_ID:
                merge.discardAll();
                streams.discardAll();
                break;
            default:
                break; // PolicyLoaded: provenance in the journal, nothing to process
        }
    }

    /** What a pipeline's close does after the last frame: every merge window emitted, every stream ended. */
    private void drain(final FrameSlot slot)
    {
        merge.onEndOfStream(slot);
        endStreams(false, 0, 0);
    }

    private void endStreams(final boolean oneSession, final long msb, final long lsb)
    {
        int i = 0;
        while (i < streams.capacity())
        {
            final StreamState stream = streams.at(i);
            if (stream != null && (!oneSession || stream.sameSession(msb, lsb)))
            {
                segment.endStream(stream);
                streams.removeAt(i); // a later stream of the cluster may shift into i: look at i again
            }
            else
            {
                i++;
            }
        }
    }
}
