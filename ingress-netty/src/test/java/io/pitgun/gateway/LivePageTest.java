package io.pitgun.gateway;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class LivePageTest
{
    @Test
    void shouldKeepOnlyThePagesOwnFilesWhateverNamesAreAskedFor()
    {
        final LivePage page = new LivePage(LivePageTest.class.getClassLoader());
        assertNotNull(page.find("/live"));
        assertNotNull(page.find("/live/live.js"));
        final int own = page.cachedFiles();
        // /live/* needs no token: a client asking for made-up names must not grow the gateway's memory.
        for (int i = 0; i < 10_000; i++)
        {
            assertNull(page.find("/live/missing-" + i + ".js"));
        }
        assertEquals(own, page.cachedFiles());
        assertNotNull(page.find("/live/live.js"));
    }
}
