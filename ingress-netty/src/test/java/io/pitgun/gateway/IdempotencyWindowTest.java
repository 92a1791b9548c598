package io.pitgun.gateway;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class IdempotencyWindowTest
{
    @Test
    void shouldRememberTheNewestIdsAndForgetTheOldest()
    {
        final int capacity = 64;
        final IdempotencyWindow window = new IdempotencyWindow(capacity, Long.MAX_VALUE / 4);
        final SplittableRandom random = new SplittableRandom(7);
        final long[][] ids = new long[1000][2];
        final Map<Integer, Integer> frames = new HashMap<>();
        for (int i = 0; i < ids.length; i++)
        {
            ids[i][0] = random.nextLong();
            ids[i][1] = random.nextLong();
            final int entry = window.add(ids[i][0], ids[i][1], 0, i % 7 + 1);
            window.progress(entry, i % 7 + 1, i);
            frames.put(i, i % 7 + 1);
            // The reference: exactly the last `capacity` ids are remembered, with what was recorded for them.
            for (int j = Math.max(0, i - 2 * capacity); j <= i; j++)
            {
                final int found = window.find(ids[j][0], ids[j][1], 0);
                if (j > i - capacity)
                {
                    assertNotEquals(IdempotencyWindow.ABSENT, found, "id " + j + " after " + i);
                    assertEquals(frames.get(j), window.framesDone(found));
                    assertEquals(j, window.lastPosition(found));
                }
                else
                {
                    assertEquals(IdempotencyWindow.ABSENT, found, "id " + j + " after " + i);
                }
            }
        }
    }

    @Test
    void shouldForgetIdsOlderThanTheWindow()
    {
        final IdempotencyWindow window = new IdempotencyWindow(16, 1_000);
        window.add(1, 2, 0, 1);
        assertNotEquals(IdempotencyWindow.ABSENT, window.find(1, 2, 1_000));
        assertEquals(IdempotencyWindow.ABSENT, window.find(1, 2, 1_001));
    }
}
