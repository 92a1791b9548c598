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
 *   <li>{@code ingest_queue_wedged}: frames are in the ring and none has been journaled for longer than the ack
 *       timeout, so admitted envelopes are held longer than the gateway promises. Judged across calls (an
 *       orchestrator polls): the first call that sees the ring stuck notes the time, a later one past the ack
 *       timeout reports it.</li>
 *   <li>{@code stage_error}: a pipeline stage caught an exception ({@code TelemetryPipeline#firstError}), the
 *       journal pretoucher's duty cycle included.</li>
 *   <li>{@code run_registry_error}: the run-registry mirror's insight poller failed; insights may be missing from
 *       the registry.</li>
 *   <li>{@code accept_failing}: the listening socket failed to accept a connection within the last
 *       {@value ConnectionAdmission#ACCEPT_FAILING_HEALTH_MS} ms ({@link ConnectionAdmission#exceptionCaught}), the
 *       file-descriptor limit reached most likely: new clients wait unaccepted. Seen by a client that kept its
 *       connection open (a new one waits with the others), and for that long after the accepts succeed again.</li>
 *   <li>{@code token_file_unreadable}: the token file is there but cannot be read ({@code TokenStore}), so no token
 *       is valid until it can be.</li>
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
    private final ConnectionAdmission connections;
    private final long ackTimeoutNs;
    // Guarded by this: the journaled sequence last seen, and since when it has not moved while frames were waiting.
    private long observedJournaled = Long.MIN_VALUE;
    private long stuckSinceNs;

    GatewayHealth(final TelemetryPipeline pipeline, final GatewayCounters counters,
        final ConnectionAdmission connections, final long ackTimeoutMs)
    {
        this.pipeline = pipeline;
        this.counters = counters;
        this.connections = connections;
        this.journal = new JournalAdmission(pipeline);
        this.ackTimeoutNs = TimeUnit.MILLISECONDS.toNanos(ackTimeoutMs);
    }

    /** Every reason the gateway is degraded now; empty when it is healthy. */
    List<Problem> problems()
    {
        final List<Problem> problems = new ArrayList<>(4);
        final RejectReason journalRefusal = journal.condition();
        if (journalRefusal == RejectReason.JOURNAL_FAILED)
        {
            problems.add(new Problem("journal_failed", journal.explain(journalRefusal)));
        }
        else if (journalRefusal == RejectReason.JOURNAL_FULL)
        {
            problems.add(new Problem("disk_full", journal.explain(journalRefusal)));
        }
        final long nowNs = System.nanoTime();
        // A failed journal refuses what it holds rather than holding it: no wedge to look for then.
        final long waiting = journalRefusal == RejectReason.JOURNAL_FAILED ? 0 : stuckFrames(nowNs);
        if (waiting > 0)
        {
            problems.add(new Problem("ingest_queue_wedged", waiting + " frame(s) in the ring have not been " +
                "journaled for longer than the ack timeout (" + TimeUnit.NANOSECONDS.toMillis(ackTimeoutNs) +
                " ms); " + counters.inFlightEnvelopes() + " envelope(s) are waiting for an answer"));
        }
        final Throwable first = pipeline.firstError().orElse(null);
        if (first != null && first != pipeline.journalFailure().orElse(null))
        {
            problems.add(new Problem("stage_error", "a pipeline stage failed (" + first + "); the gateway log " +
                "has the details"));
        }
        final long registryErrors = counters.registryErrors.sum();
        if (registryErrors > 0)
        {
            problems.add(new Problem("run_registry_error", "the run-registry mirror's insight poller failed " +
                registryErrors + " time(s); insights may be missing from the registry; the gateway log has the " +
                "details"));
        }
        if (connections.acceptFailedRecently(nowNs))
        {
            problems.add(new Problem("accept_failing", "the gateway failed to accept a connection within the last " +
                ConnectionAdmission.ACCEPT_FAILING_HEALTH_MS / 1_000 + " s (" +
                counters.rejections(RejectReason.ACCEPT_FD_LIMIT) + " at the file-descriptor limit, " +
                counters.rejections(RejectReason.ACCEPT_FAILED) + " otherwise, since start); new clients wait " +
                "unaccepted; the gateway log says why"));
        }
        if (counters.tokenFileUnreadable.sum() != 0)
        {
            problems.add(new Problem("token_file_unreadable", "the token file cannot be read, so every request " +
                "that needs a token is refused (401); it is read again every " + TokenStore.POLL_MS + " ms; the " +
                "gateway log says why"));
        }
        return problems;
    }

    /**
     * Slots the journal stage has yet to take while it has not moved for longer than the ack timeout, else 0. By ring
     * sequence, not by frame counters: accepted minus journaled also counts frames the stage took and refused (a
     * reserved commit that found no room), which would then report an idle gateway wedged for good.
     */
    private synchronized long stuckFrames(final long nowNs)
    {
        if (pipeline.journal().isEmpty())
        {
            return 0;
        }
        final long journaled = pipeline.journaledSequence();
        final long waiting = pipeline.claimedSequence() - journaled;
        if (waiting <= 0 || journaled != observedJournaled)
        {
            observedJournaled = journaled;
            stuckSinceNs = nowNs;
            return 0;
        }
        return nowNs - stuckSinceNs > ackTimeoutNs ? waiting : 0;
    }

    /** The journal's free-space guard, or null without a journal. */
    JournalSpaceGuard spaceGuard()
    {
        return journal.guard();
    }
}
