package io.pitgun.gateway;

import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.journal.JournalSpaceGuard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@code GET /health} reports: {@code ok} (200) or {@code degraded} (503) with every reason that holds now,
 * judged from the live state, so that an orchestrator can act on it:
 * <ul>
 *   <li>{@code journal_failed}: the journal stage stopped for good; nothing is journaled until a restart.</li>
 *   <li>{@code disk_full}: the journal's file system is below its free-space headroom, or the journal stage is
 *       holding frames back for want of space; ingestion is refused (507) and resumes by itself.</li>
 *   <li>{@code ingest_queue_wedged}: an answer gave up waiting for the journal ({@code ack_timeout}) within the
 *       last ack timeout: admitted envelopes are held longer than the gateway promises.</li>
 *   <li>{@code stage_error}: a pipeline stage caught an exception ({@code TelemetryPipeline#firstError}).</li>
 * </ul>
 * Cold path: built on request.
 */
final class GatewayHealth
{
    /** One reason the gateway is degraded. */
    record Problem(String reason, String message)
    {
    }

    private final TelemetryPipeline pipeline;
    private final GatewayCounters counters;
    private final JournalAdmission journal;
    private final long ackTimeoutNs;

    GatewayHealth(final TelemetryPipeline pipeline, final GatewayCounters counters, final long ackTimeoutMs)
    {
        this.pipeline = pipeline;
        this.counters = counters;
        this.journal = new JournalAdmission(pipeline);
        this.ackTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
    }

    /** Every reason the gateway is degraded now; empty when it is healthy. */
    List<Problem> problems()
    {
        final List<Problem> problems = new ArrayList<>(4);
        final RejectReason journalRefusal = journal.refusal();
        if (journalRefusal == RejectReason.JOURNAL_FAILED)
        {
            problems.add(new Problem("journal_failed", journal.explain(journalRefusal)));
        }
        else if (journalRefusal == RejectReason.JOURNAL_FULL)
        {
            problems.add(new Problem("disk_full", journal.explain(journalRefusal)));
        }
        final long lastTimeoutNs = counters.lastAckTimeoutNs;
        if (lastTimeoutNs != 0 && System.nanoTime() - lastTimeoutNs < ackTimeoutNs)
        {
            problems.add(new Problem("ingest_queue_wedged", "an answer waited longer than the ack timeout (" +
                TimeUnit.NANOSECONDS.toMillis(ackTimeoutNs) + " ms) for the journal within the last ack timeout; " +
                counters.inFlightEnvelopes() + " envelope(s) are waiting"));
        }
        final Throwable first = pipeline.firstError().orElse(null);
        if (first != null && first != pipeline.journalFailure().orElse(null))
        {
            problems.add(new Problem("stage_error", "a pipeline stage failed (" + first + "); the gateway log " +
                "has the details"));
        }
        return problems;
    }

    /** The journal's free-space guard, or null without a journal. */
    JournalSpaceGuard spaceGuard()
    {
        return journal.guard();
    }
}
