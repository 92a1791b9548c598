package io.pitgun.gateway;

import io.netty.channel.EventLoop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.function.LongUnaryOperator;

/**
 * Finds the journal index a journaled answer names, on its event loop and without reading the journal there: the
 * exact index from the pipeline ({@code TelemetryPipeline::journalIndexOf}: the frame's ring slot while it is not
 * reused, then the journal index history), else an upper bound from the
 * {@link JournalTailReader}, whose read runs on its own thread while the answer waits here. Answers that wait
 * together share one read. One per event loop; every method runs on that loop.
 */
final class JournalIndexResolver
{
    /** Receives the index (-1: none) on the event loop. */
    @FunctionalInterface
    interface Callback
    {
        void onJournalIndex(long journalIndex);
    }

    private static final Logger LOG = LoggerFactory.getLogger(JournalIndexResolver.class);

    private record Waiting(long position, Callback callback)
    {
    }

    private final EventLoop loop;
    private final LongUnaryOperator exactIndex;
    private final JournalTailReader reader;
    private final GatewayCounters counters;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final Runnable onRead = this::onRead;
    private boolean reading;

    /**
     * @param exactIndex the journal index of a ring position, -1 once the pipeline no longer knows it
     *                   ({@code TelemetryPipeline::journalIndexOf}).
     * @param reader     the journal's tail reader, or null without a journal.
     */
    JournalIndexResolver(final EventLoop loop, final LongUnaryOperator exactIndex, final JournalTailReader reader,
        final GatewayCounters counters)
    {
        this.counters = counters;
        this.loop = loop;
        this.exactIndex = exactIndex;
        this.reader = reader;
    }

    /**
     * The journal index of the journaled frame at ring {@code position} if it is known without reading the journal
     * (-1: none, no journal), else {@link JournalTailReader#NOT_READ}: then {@link #await} it. Allocation-free.
     */
    long indexNow(final long position)
    {
        final long exact = exactIndex.applyAsLong(position);
        if (exact >= 0 || reader == null)
        {
            return exact >= 0 ? exact : -1;
        }
        return reader.cachedIndex(position);
    }

    /** Calls {@code callback} on this loop with the journal index of the frame {@link #indexNow} did not know. */
    void await(final long position, final Callback callback)
    {
        final long known = indexNow(position);
        if (known != JournalTailReader.NOT_READ)
        {
            complete(callback, known);
            return;
        }
        waiting.add(new Waiting(position, callback));
        startRead();
    }

    /** Answers waiting for a read (tests and diagnostics). */
    int waitingCount()
    {
        return waiting.size();
    }

    private void startRead()
    {
        if (reading)
        {
            return; // the read in flight is followed by another if it does not cover every waiting answer
        }
        reading = true;
        if (!reader.read(loop, onRead))
        {
            // Only after shutdown closed the reader: answer without an index rather than never.
            reading = false;
            while (!waiting.isEmpty())
            {
                complete(waiting.poll().callback, -1);
            }
        }
    }

    private void onRead()
    {
        reading = false;
        for (int i = waiting.size(); i > 0; i--)
        {
            final Waiting next = waiting.poll();
            final long cached = reader.cachedIndex(next.position);
            if (cached != JournalTailReader.NOT_READ)
            {
                complete(next.callback, cached);
            }
            else
            {
                waiting.add(next); // journaled after that read began
            }
        }
        if (!waiting.isEmpty())
        {
            startRead();
        }
    }

    /** Like {@link JournalAckWaiter}: a callback that throws is logged and counted, the others still run. */
    private void complete(final Callback callback, final long journalIndex)
    {
        try
        {
            callback.onJournalIndex(journalIndex);
        }
        catch (final RuntimeException ex)
        {
            counters.ackCallbackFailures.increment();
            LOG.error("an answer's journal-index callback failed; the answers after it go on", ex);
        }
    }
}
