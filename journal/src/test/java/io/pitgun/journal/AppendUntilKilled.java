package io.pitgun.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link JournalCrashRecoveryTest}: appends deterministic frames to the journal in
 * {@code args[0]} forever and acknowledges each one on stdout ({@code ACK n index}) only after {@code append} has
 * returned, like a producer told "journaled".
 */
public final class AppendUntilKilled
{
    private AppendUntilKilled()
    {
    }

    static int samplesOf(final long n)
    {
        return 1 + (int)(n % 16);
    }

    static int batchSizeOf(final int batch)
    {
        return batch % 3 == 0 ? 1 : 1 + (batch * 37) % JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY;
    }

    public static void main(final String[] args) throws IOException
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII));
        try (Journal journal = Journal.open(JournalConfig.of(Path.of(args[0]))))
        {
            final JournalAppender appender = journal.appender();
            long n = 0;
            for (int batch = 0; ; batch++)
            {
                // Batches of 1 to 64 messages: a message is acknowledged once its whole batch is committed.
                final int size = batchSizeOf(batch);
                appender.begin();
                for (int i = 0; i < size; i++)
                {
                    final int length = frames.frame(buffer, 0, n + i, samplesOf(n + i));
                    appender.add(buffer, 0, length, n + i);
                }
                final long first = appender.commit();
                for (int i = 0; i < size; i++)
                {
                    out.write("ACK " + (n + i) + " " + (first + i) + "\n");
                }
                out.flush();
                n += size;
            }
        }
    }
}
