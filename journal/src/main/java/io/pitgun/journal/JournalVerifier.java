package io.pitgun.journal;

import io.pitgun.codecs.frame.FrameValidator;
import org.agrona.DirectBuffer;

/**
 * Reads every entry of a journal and checks that each holds a well-formed Pitgun SBE message
 * ({@link FrameValidator} at {@link FrameValidator.Level#STRUCTURE}). Damage is reported by entry index: a bad
 * message is counted and the scan goes on; an entry Chronicle itself cannot read ends the scan there.
 */
public final class JournalVerifier implements JournalScanHandler
{
    /**
     * What {@link #verify} found.
     *
     * @param entriesChecked entries whose bytes could be read.
     * @param badEntries     entries that are not a well-formed message (including an unreadable one).
     * @param firstBadIndex  index of the first bad entry, or {@link Journal#NO_INDEX} if none.
     * @param firstProblem   what is wrong with it, or null.
     * @param stoppedEarly   true if an unreadable entry ended the scan (later entries were not checked).
     */
    public record Result(long entriesChecked, long badEntries, long firstBadIndex, String firstProblem,
        boolean stoppedEarly)
    {
        /** True if every entry is a well-formed message. */
        public boolean ok()
        {
            return badEntries == 0;
        }
    }

    private final FrameValidator checker = new FrameValidator();
    private final BadEntryTally bad = new BadEntryTally();

    private JournalVerifier()
    {
    }

    /** Checks every entry of {@code journal}. */
    public static Result verify(final Journal journal, final ProgressListener progress)
    {
        final JournalVerifier verifier = new JournalVerifier();
        final JournalScan.Outcome outcome =
            JournalScan.run(journal, Journal.NO_INDEX, Journal.NO_INDEX, verifier, progress);
        if (outcome.failed())
        {
            verifier.bad.add(outcome.failedIndex(), outcome.failure());
        }
        return new Result(outcome.entries(), verifier.bad.count(), verifier.bad.firstIndex(),
            verifier.bad.firstProblem(), outcome.failed());
    }

    @Override
    public void onEntry(
        final long index, final DirectBuffer buffer, final int offset, final int length, final long ingestTimeNs)
    {
        if (!checker.validateExactly(buffer, offset, length, FrameValidator.Level.STRUCTURE))
        {
            bad.add(index, checker.describe());
        }
    }

    @Override
    public void onBadMessage(final long index, final String problem)
    {
        bad.add(index, problem);
    }
}
