package io.pitgun.engine;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SegmentWindowTest
{
    /**
     * A window spans its frames' times whatever their order. Before, its end was its last frame's time: a lap whose
     * last frame went back in time ended before it started (start …604000000, end …603500000 in a review's run).
     */
    @Test
    void shouldSpanItsFramesTimesWhenALaterFrameGoesBackInTime()
    {
        final SegmentWindow window = new SegmentWindow(List.of());
        window.add(2_000, 1, 10, 10);
        window.add(3_000, 2, 11, 11);
        window.add(1_500, 3, 12, 12);

        assertEquals(1_500, window.startTimestampUs);
        assertEquals(3_000, window.endTimestampUs);
        assertEquals(3, window.frameCount);
        assertEquals(3, window.lastSequence);
    }

    @Test
    void shouldStartAndEndAtItsOnlyFrameAfterAReset()
    {
        final SegmentWindow window = new SegmentWindow(List.of());
        window.add(5_000, 1, 1, 1);
        window.reset();
        window.add(1_000, 2, 2, 2);

        assertEquals(1_000, window.startTimestampUs);
        assertEquals(1_000, window.endTimestampUs);
    }
}
