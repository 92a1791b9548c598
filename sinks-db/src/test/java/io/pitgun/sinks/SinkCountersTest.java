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
}
