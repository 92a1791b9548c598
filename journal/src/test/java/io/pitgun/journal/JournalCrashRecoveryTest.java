package io.pitgun.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A journal whose writer is killed with SIGKILL mid-stream opens cleanly, holds every entry acknowledged before the
 * kill, in order and bit-exact, and accepts new appends.
 */
class JournalCrashRecoveryTest
{
    private static final int ACKS_BEFORE_KILL = 20_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldKeepEveryAcknowledgedEntryAfterTheWriterIsKilled() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final Path stderr = dir.resolve("child-stderr.txt");
        final Process child = startChild(journalDir, stderr);
        final long[] ackedIndex = new long[ACKS_BEFORE_KILL];
        try (BufferedReader acks = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII)))
        {
            for (int n = 0; n < ACKS_BEFORE_KILL; n++)
            {
                final String line = acks.readLine();
                if (line == null)
                {
                    fail("the child exited after " + n + " acks: " + stderrOf(child, stderr));
                }
                final String[] parts = line.split(" ");
                assertEquals("ACK", parts[0], line);
                assertEquals(n, Long.parseLong(parts[1]), line);
                ackedIndex[n] = Long.parseLong(parts[2]);
            }
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
        }
        finally
        {
            child.destroyForcibly();
        }
        assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");

        final TestFrames frames = new TestFrames();
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[1024]);
        final List<String> problems = new ArrayList<>();
        final long[] count = {0};
        try (Journal journal = Journal.open(JournalConfig.of(journalDir)))
        {
            try (JournalTailer tailer = journal.tailer())
            {
                // Entries after the last acknowledged one may or may not have made it; those present must be whole.
                while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) ->
                {
                    final long n = count[0]++;
                    if (n < ACKS_BEFORE_KILL && index != ackedIndex[(int)n])
                    {
                        problems.add("entry " + n + " at index " + index + ", acknowledged at " + ackedIndex[(int)n]);
                    }
                    final int expectedLength = frames.frame(expected, 0, n, AppendUntilKilled.samplesOf(n));
                    if (ingestTimeNs != n || length != expectedLength ||
                        !java.util.Arrays.equals(JournalRoundTripTest.copy(buffer, offset, length),
                        JournalRoundTripTest.copy(expected, 0, expectedLength)))
                    {
                        problems.add("entry " + n + " at index " + index + " differs from what was appended");
                    }
                }))
                {
                    if (problems.size() > 10)
                    {
                        break;
                    }
                }
            }
            assertEquals(List.of(), problems);
            assertTrue(count[0] >= ACKS_BEFORE_KILL, "only " + count[0] + " of " + ACKS_BEFORE_KILL +
                " acknowledged entries are in the journal");

            // The writer's successor appends after the survivors.
            final long next = count[0];
            final int length = frames.frame(expected, 0, next, AppendUntilKilled.samplesOf(next));
            final long index = journal.appender().append(expected, 0, length, next);
            assertTrue(index > ackedIndex[ACKS_BEFORE_KILL - 1]);
            try (JournalTailer tailer = journal.tailer())
            {
                assertTrue(tailer.moveToIndex(index));
                final byte[][] read = new byte[1][];
                assertTrue(tailer.readNext((i, buffer, offset, l, t) -> read[0] = JournalRoundTripTest.copy(buffer, offset, l)));
                assertArrayEquals(JournalRoundTripTest.copy(expected, 0, length), read[0]);
            }
        }
    }

    private static Process startChild(final Path journalDir, final Path stderr) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The same module flags and system properties as this JVM (surefire passes pitgun.jvm.flags).
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access") ||
                argument.startsWith("--sun-misc") || argument.startsWith("-Dchronicle."))
            {
                command.add(argument);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(AppendUntilKilled.class.getName());
        command.add(journalDir.toString());
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    private static String stderrOf(final Process child, final Path stderr)
    {
        try
        {
            child.waitFor(5, TimeUnit.SECONDS);
            return Files.readString(stderr);
        }
        catch (final IOException | InterruptedException ex)
        {
            return "(stderr unreadable: " + ex + ")";
        }
    }
}
