package io.pitgun.systemtests.soak;

import java.util.BitSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The frames the gateway said it took: acked (202 / WebSocket ack) or named as accepted by an overload answer
 * ({@code frames_accepted} of a 503 nack). Each must be in the journal exactly once. One writer per session.
 */
public final class AckedFrames
{
    private final Map<UUID, BitSet> bySession = new ConcurrentHashMap<>();
    private final LongAdder frames = new LongAdder();

    /** The gateway took frames {@code [first, first + count)} of {@code session}. */
    public void add(final UUID session, final long first, final int count)
    {
        if (count <= 0)
        {
            return;
        }
        final BitSet sequences = bySession.computeIfAbsent(session, key -> new BitSet());
        synchronized (sequences)
        {
            for (int i = 0; i < count; i++)
            {
                if (!sequences.get((int)first + i))
                {
                    sequences.set((int)first + i);
                    frames.increment();
                }
            }
        }
    }

    /** Every session with its acked sequences. */
    public Map<UUID, BitSet> bySession()
    {
        return bySession;
    }

    /** Distinct acked frames. */
    public long frames()
    {
        return frames.sum();
    }
}
