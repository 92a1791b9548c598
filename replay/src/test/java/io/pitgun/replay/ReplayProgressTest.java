package io.pitgun.replay;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The replay's progress for a log ({@code pitgun demo} without a terminal): one line per tenth of the file. */
class ReplayProgressTest
{
    @Test
    void shouldPrintOneLinePerTenthReachedAndNothingWhenTheTotalIsUnknown()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final ReplayProgress progress = ReplayProgress.tenths(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final ReplayStats stats = new ReplayStats();

        progress.onProgress(50, -1, stats);
        progress.onProgress(50, 1_000, stats);
        progress.onProgress(120, 1_000, stats);
        progress.onProgress(150, 1_000, stats);
        progress.onProgress(350, 1_000, stats);
        progress.onProgress(1_000, 1_000, stats);
        progress.onDone();

        assertEquals(String.join(System.lineSeparator(),
            "   10%  120 of 1000 frames sent, 0 acked",
            "   30%  350 of 1000 frames sent, 0 acked",
            "  100%  1000 of 1000 frames sent, 0 acked", ""), bytes.toString(StandardCharsets.UTF_8));
    }
}
