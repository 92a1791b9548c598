package io.pitgun.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The journal index history against a map of every recorded sequence: each is answered with its own position until a
 * later recorded sequence takes its entry, never with another's.
 */
class JournalIndexHistoryTest
{
    @Property(tries = 200)
    void shouldAnswerTheLastCapacityRecordsAndNothingOlder(@ForAll @IntRange(min = 0, max = 6) final int capacityLog,
        @ForAll @IntRange(min = 0, max = 300) final int records, @ForAll @IntRange(min = 0, max = 5) final int gapEvery)
    {
        final int capacity = 1 << capacityLog;
        final JournalIndexHistory history = new JournalIndexHistory(capacity);
        final Map<Long, Long> recorded = new HashMap<>();
        long sequence = 0;
        long highest = -1;
        for (int i = 0; i < records; i++)
        {
            if (gapEvery > 0 && i % gapEvery == 0)
            {
                sequence++; // a rejected slot: never recorded
            }
            final long position = 1_000_000L + 7L * i;
            history.record(sequence, position);
            recorded.put(sequence, position);
            highest = sequence;
            sequence++;
        }
        for (long s = -2; s <= sequence + 2; s++)
        {
            final Long position = recorded.get(s);
            // Remembered until a later recorded sequence takes its entry (a rejected one, unrecorded, does not).
            boolean remembered = position != null;
            for (long later = s + capacity; remembered && later <= highest; later += capacity)
            {
                remembered = !recorded.containsKey(later);
            }
            assertEquals(remembered ? position : -1L, history.positionOf(s), "sequence " + s);
        }
    }

    @Test
    void shouldSizeItselfByTheRing()
    {
        assertEquals(JournalIndexHistory.MIN_ENTRIES, JournalIndexHistory.capacityFor(8));
        assertEquals(16 * 8192, JournalIndexHistory.capacityFor(8192));
        assertEquals(JournalIndexHistory.MAX_ENTRIES, JournalIndexHistory.capacityFor(1 << 18));
        assertEquals(1 << 21, JournalIndexHistory.capacityFor(1 << 21), "never smaller than the ring");
    }
}
