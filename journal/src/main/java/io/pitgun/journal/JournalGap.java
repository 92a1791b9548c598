package io.pitgun.journal;

/**
 * Entries missing between two cycle files a read went from one to the other of: the later file's marker
 * ({@link CycleMarker}) records, as the entry written before its first, one after the entry the read came from, so
 * the cycle files that held them are gone (deleted or moved away from the middle of the journal). Found by
 * {@link JournalTailer}, in either direction.
 *
 * @param afterIndex      the position of the first message of the entry read before the gap, in journal order.
 * @param missingUpTo     the position of the first message of the last entry missing (its other messages are too);
 *                        when not {@code lastKnown}, the first position of the missing file's cycle.
 * @param missingFileName the cycle file that held that entry, e.g. {@code 20261206-02F.cq4}.
 * @param laterFileName   the cycle file after the gap, whose marker tells.
 * @param lastKnown       whether the marker names the last entry missing; not when the later file's writer started
 *                        after the missing file was deleted (it knew only its cycle): its entries are missing from
 *                        its cycle's first position on.
 */
public record JournalGap(long afterIndex, long missingUpTo, String missingFileName, String laterFileName,
    boolean lastKnown)
{
    /**
     * Says what {@code gaps} gaps, the first of them {@code first}, leave missing: the words of every tool's report
     * and every reader's log.
     */
    public static String describe(final long gaps, final JournalGap first)
    {
        return (gaps == 1 ? "" : String.format("%,d gaps between cycle files, the first: ", gaps)) + first.describe();
    }

    /** Says what is missing, for a tool's report or a log. */
    public String describe()
    {
        if (!lastKnown)
        {
            return "the entries after index " + afterIndex + " are missing, from index " + missingUpTo + " on: " +
                "their cycle file " + missingFileName + " (and any between it and the one of index " + afterIndex +
                ") is gone, deleted or moved away from the middle of the journal (" + laterFileName + " records " +
                "its cycle as the entry before its first, written by a writer started after it was gone, which " +
                "did not know its last entry); they were not read";
        }
        return "the entries after index " + afterIndex + " up to index " + missingUpTo + " are missing: their cycle " +
            "file " + missingFileName + " (and any between it and the one of index " + afterIndex + ") is gone, " +
            "deleted or moved away from the middle of the journal (" + laterFileName + " records index " +
            missingUpTo + " as the entry before its first); they were not read";
    }
}
