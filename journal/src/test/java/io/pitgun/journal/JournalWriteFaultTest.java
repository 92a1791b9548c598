package io.pitgun.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cycle file cut short under an open appender: writing there faults (the JVM's SIGBUS, an {@link InternalError}).
 * Before, the fault in writing an entry's header escaped {@code tryCommit} as an {@code InternalError} with the batch
 * left open ("a batch is already open" at the next begin), and Chronicle's appender, written through again once the
 * file had its length back, reported every later entry at one index. Now the first fault is damage, named, the batch
 * is closed unwritten, and every later commit is refused the same way.
 */
class JournalWriteFaultTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldReportACycleFileCutShortUnderTheAppenderAsDamageAndWriteNothingMore() throws Exception
    {
        final TestFrames frames = new TestFrames();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        try (Journal journal = Journal.open(JournalConfig.of(dir)))
        {
            final JournalAppender appender = journal.appender();
            for (int i = 0; i < 10; i++)
            {
                appender.append(frame, 0, frames.frame(frame, 0, i, 4), i);
            }
            final Path cycleFile = cycleFiles().get(0);
            try (RandomAccessFile cut = new RandomAccessFile(cycleFile.toFile(), "rw"))
            {
                cut.setLength(65_536);
            }

            for (int i = 10; i < 13; i++)
            {
                appender.begin();
                appender.add(frame, 0, frames.frame(frame, 0, i, 4), i);
                final JournalDamagedException damaged = assertThrows(JournalDamagedException.class,
                    appender::tryCommit);
                assertTrue(damaged.getMessage().contains("DAMAGED: " + cycleFile.getFileName() + " is cut short: " +
                    "it ends at byte 65,536"), damaged.getMessage());
                assertTrue(damaged.getMessage().contains("the batch of 1 message(s) was not written"),
                    damaged.getMessage());
                assertEquals(0, appender.batchCount(), "the batch is closed, unwritten");
            }
            assertEquals(1, appender.writeFaults(), "the later commits were refused without writing");
        }
    }

    private List<Path> cycleFiles() throws Exception
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(file -> file.toString().endsWith(".cq4")).toList();
        }
    }
}
