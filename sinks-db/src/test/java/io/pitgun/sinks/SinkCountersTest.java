package io.pitgun.sinks;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SinkCountersTest
{
    @Test
    void shouldCountLagFromAFailureEvenWhenTheJournalGetsNothingNew()
    {
        final SinkCounters counters = new SinkCounters("test");
        counters.onProgress(true, 1_000_000_000L);
        assertEquals(0, counters.lagSeconds(2_000_000_000L));

        counters.onFailure(3_000_000_000L); // disconnected: what the database kept is unknown until it answers again
        assertEquals(2.0, counters.lagSeconds(5_000_000_000L));
        assertEquals(SinkCounters.NOT_CONNECTED, counters.state());
        assertEquals(1, counters.failures());

        counters.onProgress(false, 6_000_000_000L); // reconnected, not yet caught up: still behind since the failure
        assertEquals(4.0, counters.lagSeconds(7_000_000_000L));
        counters.onProgress(true, 8_000_000_000L);
        assertEquals(0, counters.lagSeconds(9_000_000_000L));
    }

    @Test
    void shouldBeBehindFromItsStartUntilItFirstCatchesUp()
    {
        // Before: 0 ("caught up") for the whole start-up scan of a Parquet directory of 36,000 sessions (15 s) while
        // acknowledged frames were still unwritten.
        final long started = System.nanoTime();
        final SinkCounters counters = new SinkCounters("test");
        assertEquals(5.0, counters.lagSeconds(started + 5_000_000_000L), 0.5);
        counters.onProgress(false, started + 6_000_000_000L);
        assertEquals(7.0, counters.lagSeconds(started + 7_000_000_000L), 0.5, "still behind since the start");
        counters.onProgress(true, started + 8_000_000_000L);
        assertEquals(0, counters.lagSeconds(started + 9_000_000_000L));
    }
}
