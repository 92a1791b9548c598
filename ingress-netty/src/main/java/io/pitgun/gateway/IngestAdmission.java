package io.pitgun.gateway;

import io.pitgun.engine.TelemetryPipeline;

/**
 * The admission steps between decoding and publishing, the same for envelopes and binary messages, in this order:
 * can the journal take it ({@link JournalAdmission}: 507 / 503), is there room in the bounded ingestion queue
 * (503 {@code queue_full}), is the queueing delay under its target ({@link QueueDelayAdmission}: 503
 * {@code overload}). A refusal is counted and written into the report; nothing of the request is published. An
 * admitted request holds its queue places until {@link #release} after its answer. One per event loop (the queue
 * count is shared, lock-free).
 */
final class IngestAdmission
{
    private final JournalAdmission journalAdmission;
    private final GatewayCounters counters;
    private final int ingestQueueLimit;
    private final QueueDelayAdmission delayAdmission;

    IngestAdmission(final TelemetryPipeline pipeline, final GatewayCounters counters, final int ingestQueueLimit,
        final QueueDelayAdmission delayAdmission)
    {
        this.journalAdmission = new JournalAdmission(pipeline);
        this.counters = counters;
        this.ingestQueueLimit = ingestQueueLimit;
        this.delayAdmission = delayAdmission;
    }

    /**
     * Admits a request of {@code places} envelopes (or one binary message), taking that many queue places; else
     * refuses {@code report} (counted) and returns false.
     *
     * @param queueFullMessage the answer's message when the ingestion queue is full.
     */
    boolean admit(final IngestReport report, final int places, final String queueFullMessage)
    {
        final RejectReason journalRefusal = journalAdmission.refusal();
        if (journalRefusal != null)
        {
            counters.rejected(journalRefusal);
            report.retryAfterS = JournalAdmission.FULL_RETRY_AFTER_S;
            report.refuse(journalRefusal.status(), journalRefusal, journalAdmission.explain(journalRefusal) +
                "; nothing of this request was ingested");
            return false;
        }
        if (!takeQueuePlaces(places))
        {
            counters.rejected(RejectReason.QUEUE_FULL);
            report.retryAfterS = 1;
            report.refuse(503, RejectReason.QUEUE_FULL, queueFullMessage);
            return false;
        }
        final long nowNs = System.nanoTime();
        if (!delayAdmission.admit(nowNs))
        {
            release(places);
            counters.rejected(RejectReason.OVERLOAD);
            report.retryAfterS = 1;
            report.refuse(503, RejectReason.OVERLOAD, "accepted requests are waiting " +
                delayAdmission.delayNs(nowNs) / 1_000_000 + " ms for their answer, over the " +
                delayAdmission.targetNs() / 1_000_000 + " ms target (" +
                GatewaySetting.QUEUE_DELAY_TARGET_MS.envName() + "); nothing was ingested, retry after 1 s");
            return false;
        }
        report.queuePlaces = places;
        return true;
    }

    /**
     * Refuses {@code report} (counted) after the pipeline refused a publish for its journal
     * ({@link TelemetryPipeline#JOURNAL_REFUSED}: the event loop journals, {@link GatewaySetting#JOURNAL_ON_LOOP},
     * and never waits for space): 503 {@code journal_failed} once the journal has stopped, else 507
     * {@code journal_full}; {@code inNow} says what of the request is in.
     */
    void refuseForJournal(final IngestReport report, final String inNow)
    {
        final RejectReason reason = journalAdmission.refusalOfPublish();
        counters.rejected(reason);
        report.retryAfterS = JournalAdmission.FULL_RETRY_AFTER_S;
        report.refuse(reason.status(), reason, journalAdmission.explain(reason) + "; " + inNow);
    }

    /** Gives back ingestion-queue places once the answer is sent. */
    void release(final int places)
    {
        if (places > 0)
        {
            counters.inFlightEnvelopes.addAndGet(-places);
        }
    }

    private boolean takeQueuePlaces(final int places)
    {
        while (true)
        {
            final int current = counters.inFlightEnvelopes.get();
            if (current + places > ingestQueueLimit && current > 0)
            {
                return false;
            }
            if (counters.inFlightEnvelopes.compareAndSet(current, current + places))
            {
                return true;
            }
        }
    }
}
