package io.pitgun.replay;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ReplayPacerTest
{
    @Test
    void shouldFollowTimestampsInRealTime()
    {
        final ReplayPacer pacer = new ReplayPacer(0);
        assertEquals(0, pacer.dueNanos(0, 1_775_908_800_000_000L));
        assertEquals(10_000_000L, pacer.dueNanos(1, 1_775_908_800_010_000L));
        // Gaps in the capture are kept; the frame index does not matter.
        assertEquals(2_500_000_000L, pacer.dueNanos(2, 1_775_908_802_500_000L));
    }

    @Test
    void shouldSpaceFramesEvenlyAtAFixedRate()
    {
        final ReplayPacer pacer = new ReplayPacer(400);
        assertEquals(0, pacer.dueNanos(0, 5_000_000));
        assertEquals(2_500_000L, pacer.dueNanos(1, 5_000_000));
        assertEquals(1_000_000_000L, pacer.dueNanos(400, 9_999_999));
    }

    @Test
    void shouldRefuseNegativeRate()
    {
        assertThrows(ReplayInputException.class, () -> new ReplayPacer(-1));
        assertThrows(ReplayInputException.class, () -> new ReplayPacer(Double.POSITIVE_INFINITY));
    }
}
