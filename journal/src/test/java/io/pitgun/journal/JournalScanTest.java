package io.pitgun.journal;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A message a tool fails on is reported as bad by its index, and the scan goes on to every later one. */
@Timeout(30)
class JournalScanTest
{
    @TempDir
    Path dir;

    @Test
    void shouldReportAMessageTheToolFailsOnAndGoOn()
    {
        final List<Long> indexes = new ArrayList<>();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final TestFrames frames = new TestFrames();
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            for (int n = 0; n < 5; n++)
            {
                indexes.add(journal.appender().append(buffer, 0, frames.frame(buffer, 0, n, 2), n));
            }
            final List<Long> seen = new ArrayList<>();
            final List<String> bad = new ArrayList<>();
            final JournalScanHandler failsOnSecond = new JournalScanHandler()
            {
                @Override
                public void onEntry(final long index, final DirectBuffer b, final int offset, final int length,
                    final long ingestTimeNs)
                {
                    if (index == indexes.get(1))
                    {
                        throw new IllegalArgumentException("Unknown value: 200");
                    }
                    seen.add(index);
                }

                @Override
                public void onBadMessage(final long index, final String problem)
                {
                    bad.add(index + ": " + problem);
                }
            };
            final JournalScan.Outcome outcome = JournalScan.run(journal, Journal.NO_INDEX, Journal.NO_INDEX,
                failsOnSecond, ProgressListener.NONE);
            assertFalse(outcome.failed(), outcome.failure());
            assertEquals(5, outcome.entries());
            assertEquals(List.of(indexes.get(0), indexes.get(2), indexes.get(3), indexes.get(4)), seen);
            assertEquals(List.of(indexes.get(1) + ": cannot decode the message: Unknown value: 200"), bad);
        }
    }
}
