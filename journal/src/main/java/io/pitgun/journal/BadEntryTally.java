package io.pitgun.journal;

/** What a journal scan found wrong: how many bad entries, and the first one's index and problem. */
final class BadEntryTally
{
    private long count;
    private long firstIndex = Journal.NO_INDEX;
    private String firstProblem;

    /** Counts a bad entry; the first one counted is the one reported. */
    void add(final long index, final String problem)
    {
        count++;
        if (firstIndex == Journal.NO_INDEX)
        {
            firstIndex = index;
            firstProblem = problem;
        }
    }

    long count()
    {
        return count;
    }

    /** Index of the first bad entry, or {@link Journal#NO_INDEX}. */
    long firstIndex()
    {
        return firstIndex;
    }

    /** What is wrong with the first bad entry, or null. */
    String firstProblem()
    {
        return firstProblem;
    }
}
