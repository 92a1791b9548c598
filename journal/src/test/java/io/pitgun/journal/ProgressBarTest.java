package io.pitgun.journal;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The tools' one progress bar, as a journal tool and as the CSV replay draw it. */
class ProgressBarTest
{
    @Test
    void shouldDrawEntriesInPlaceAndClearTheLineWhenDone()
    {
        final StringWriter out = new StringWriter();
        final ProgressBar bar = new ProgressBar(new PrintWriter(out), "stats");

        bar.onProgress(1_500, 3_000);
        bar.onDone();

        assertEquals("\rstats [###############---------------]  50% 1,500 / 3,000 entries\r\033[K", out.toString());
    }

    @Test
    void shouldDrawACallersDetailAndRedrawAtMostTenTimesASecond()
    {
        final StringWriter out = new StringWriter();
        final ProgressBar bar = new ProgressBar(new PrintWriter(out), "replay");
        final int[] detailsAsked = new int[1];

        bar.draw(3, 4, () -> ++detailsAsked[0] + " acked");
        bar.draw(4, 4, () -> ++detailsAsked[0] + " acked");

        // The second call came within 100 ms of the first: nothing drawn, and its detail never built.
        assertEquals("\rreplay [######################--------]  75% 1 acked", out.toString());
        assertEquals(1, detailsAsked[0]);
    }

    @Test
    void shouldNotClearALineItNeverDrew()
    {
        final StringWriter out = new StringWriter();

        new ProgressBar(new PrintWriter(out), "dump").onDone();

        assertEquals("", out.toString());
    }
}
