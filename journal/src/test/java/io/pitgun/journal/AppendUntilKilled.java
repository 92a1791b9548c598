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

    public static void main(final String[] args) throws IOException
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII));
        try (Journal journal = Journal.open(JournalConfig.of(Path.of(args[0]))))
        {
            final JournalAppender appender = journal.appender();
            for (long n = 0; ; n++)
            {
                final int length = frames.frame(buffer, 0, n, samplesOf(n));
                final long index = appender.append(buffer, 0, length, n);
                out.write("ACK " + n + " " + index + "\n");
                out.flush();
            }
        }
    }
}
