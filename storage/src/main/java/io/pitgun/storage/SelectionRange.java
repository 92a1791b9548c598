package io.pitgun.storage;

import io.pitgun.journal.Journal;

/**
 * The journal index range of the messages an export (or the live sink) has given its deriving pipeline so far: what
 * a derived file's footer names as its journal range, since derived frames do not name the index they came from.
 * When a derived file is completed, every row in it was derived from messages inside this range.
 *
 * <p>Written by the thread that reads the journal, read by whichever thread completes a file (the deriving pipeline's
 * on a rotation): both fields are volatile, the first written once, the last only growing.
 */
final class SelectionRange
{
    private volatile long first = Journal.NO_INDEX;
    private volatile long last = Journal.NO_INDEX;

    /** A message at {@code index} (journal order) goes into the deriving pipeline. */
    void onSelected(final long index)
    {
        if (first == Journal.NO_INDEX)
        {
            first = index;
        }
        last = index;
    }

    /** The first selected message's index, or {@link Journal#NO_INDEX} before any. */
    long first()
    {
        return first;
    }

    /** The last selected message's index so far, or {@link Journal#NO_INDEX} before any. */
    long last()
    {
        return last;
    }
}
