package io.pitgun.gateway;

import io.pitgun.engine.JournalThread;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalSpaceGuard;

/**
 * Whether the journal can take new frames, asked before a request is admitted: while the journal's file system is
 * below its free-space headroom, or the journal stage has stopped for good, new data is refused at once (507
 * {@code journal_full}, 503 {@code journal_failed}) instead of entering a ring that cannot drain and timing out.
 * Lock-free and allocation-free; any thread.
 */
final class JournalAdmission
{
    /** Retry-After while the journal is short of space: the free space is measured about every 20 ms, so space
     *  that returns is seen quickly; this only paces the retries. */
    static final int FULL_RETRY_AFTER_S = 5;

    private final TelemetryPipeline pipeline;
    private final JournalSpaceGuard guard;
    /** The event loop journals (JOURNAL_ON_LOOP): its publishes reserve room themselves and refuse without it. */
    private final boolean journalsOnPublish;

    JournalAdmission(final TelemetryPipeline pipeline)
    {
        this.pipeline = pipeline;
        this.guard = pipeline.journal().map(Journal::spaceGuard).orElse(null);
        this.journalsOnPublish = pipeline.config().journalThread() == JournalThread.PRODUCER;
    }

    /** Null when the journal can take new frames, else why not ({@link RejectReason#JOURNAL_FULL} or
     *  {@link RejectReason#JOURNAL_FAILED}). */
    RejectReason refusal()
    {
        if (guard == null)
        {
            return null; // no journal: nothing to wait for
        }
        if (pipeline.journalFailure().isPresent())
        {
            return RejectReason.JOURNAL_FAILED;
        }
        // Where publishes journal themselves, one refused for room says nothing of a smaller one, which may fit.
        final boolean refusing = !journalsOnPublish && pipeline.isJournalWaitingForSpace();
        return guard.isShort() || refusing ? RejectReason.JOURNAL_FULL : null;
    }

    /**
     * The journal's state for {@code /health} and the {@code pitgun_journal_full} gauge: as {@link #refusal()}, and
     * also short while the last publish refused for room would still not fit (JOURNAL_ON_LOOP).
     */
    RejectReason condition()
    {
        final RejectReason refusal = refusal();
        return refusal == null && guard != null && pipeline.isJournalWaitingForSpace() ? RejectReason.JOURNAL_FULL :
            refusal;
    }

    /** Why the journal refused a publish ({@code TelemetryPipeline.JOURNAL_REFUSED}): stopped, else short of
     *  space (even if space has come back since). */
    RejectReason refusalOfPublish()
    {
        return pipeline.journalFailure().isPresent() ? RejectReason.JOURNAL_FAILED : RejectReason.JOURNAL_FULL;
    }

    /** The free-space guard, or null without a journal. */
    JournalSpaceGuard guard()
    {
        return guard;
    }

    /** Says why {@code reason} (from {@link #refusal()}) was given, for the answer's message. */
    String explain(final RejectReason reason)
    {
        if (reason == RejectReason.JOURNAL_FAILED)
        {
            return "the journal stage has stopped (" + pipeline.journalFailure().map(Throwable::getMessage)
                .orElse("unknown") + "); nothing can be journaled until the gateway restarts";
        }
        if (guard.usableBytes() < 0)
        {
            return "the journal's file system has " + guard.shortage(); // says why, and that space will not help
        }
        return "the journal's file system has " + guard.shortage() + " (" +
            GatewaySetting.JOURNAL_MIN_FREE_BYTES.envName() + "); ingestion resumes by itself when space is freed";
    }
}
