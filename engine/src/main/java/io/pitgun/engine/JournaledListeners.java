package io.pitgun.engine;

import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The {@link JournaledListener}s of a pipeline: a copy-on-write array, so that registering (rare, any thread) never
 * makes the journal stage take a lock or allocate when it calls them (every batch).
 */
final class JournaledListeners
{
    private static final JournaledListener[] NONE = new JournaledListener[0];

    private volatile JournaledListener[] listeners = NONE;

    synchronized void add(final JournaledListener listener)
    {
        final JournaledListener[] current = listeners;
        final JournaledListener[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = listener;
        listeners = next;
    }

    synchronized boolean remove(final JournaledListener listener)
    {
        final JournaledListener[] current = listeners;
        for (int i = 0; i < current.length; i++)
        {
            if (current[i] == listener)
            {
                final JournaledListener[] next = new JournaledListener[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                listeners = next;
                return true;
            }
        }
        return false;
    }

    /**
     * Calls every listener with {@code journaled}, on the journal stage's thread, after a full fence (the contract
     * in {@link JournaledListener}: the caller stored the journaled sequence before). No allocation.
     */
    void onJournaled(final long journaled, final StageErrors errors)
    {
        call(journaled, false, errors);
    }

    /** Calls every listener's {@link JournaledListener#onJournalFailed}; the failure is already set. */
    void onJournalFailed(final long journaled, final StageErrors errors)
    {
        call(journaled, true, errors);
    }

    private void call(final long journaled, final boolean failed, final StageErrors errors)
    {
        final JournaledListener[] current = listeners;
        if (current.length == 0)
        {
            return;
        }
        // StoreLoad: the journaled sequence (a release store) must be visible before a listener reads its waiter's
        // interest, or a waiter that published interest and then read the old sequence would never be woken.
        VarHandle.fullFence();
        for (final JournaledListener listener : current)
        {
            try
            {
                if (failed)
                {
                    listener.onJournalFailed(journaled);
                }
                else
                {
                    listener.onJournaled(journaled);
                }
            }
            catch (final RuntimeException ex)
            {
                errors.onError("journaled-listener", ex);
            }
        }
    }
}
