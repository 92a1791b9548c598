package io.pitgun.engine;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link JournalFollower} polled step by step derives the bytes a one-shot {@link JournalReplayer#replay} does,
 * and a pipeline built with {@code flushOutputWhenIdle} has written out everything so far once it is idle.
 */
class JournalFollowerTest
{
    private static final SyntheticRun RUN = new SyntheticRun(2, 20_000, 1_000);

    @TempDir
    Path dir;

    @Test
    void shouldDeriveTheReplaysBytesAndWriteThemOutWhenIdle() throws Exception
    {
        final Path journalDir = dir.resolve("journal");
        final TelemetryPipeline live = TelemetryPipeline.builder().name("live")
            .manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().journalDirectory(journalDir).ackMode(AckMode.JOURNALED).build()).build();
        try
        {
            assertTrue(live.awaitJournaled(RUN.publish(live), TimeUnit.SECONDS.toNanos(60)));
        }
        finally
        {
            live.close();
        }
        final byte[] replayed = replay(journalDir, dir.resolve("replay.jsonl"));

        final Path followed = dir.resolve("followed.jsonl");
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
        {
            final TelemetryPipeline pipeline = TelemetryPipeline.builder().name("follower")
                .manifest(Manifests.compile("lap-power.yaml"))
                .config(JournalReplayer.replayConfig(PipelineConfig.defaults(), followed))
                .flushOutputWhenIdle(true).build();
            try (JournalFollower follower = new JournalFollower(journal, pipeline, false))
            {
                // + 2: the journal's ManifestLoaded and PipelineDrained (the live close drained) entries, messages
                // too. Stopping one short left the run's last message unread whenever its entry came after the poll
                // that reached the count: the next poll read it (not caught up) or, with the ring short of room,
                // returned 0 and the position below was one behind (fresh-clone CI, 2026-12-06).
                final long journaled = RUN.totalFrames() + 4L * RUN.sessions + 2;
                long polls = 0;
                while (follower.messages() < journaled)
                {
                    follower.poll(4); // returns 0 while the ring lacks room for an entry: never waits
                    polls++;
                }
                assertTrue(polls > 1, "read in steps");
                assertEquals(journaled, follower.messages());
                assertEquals(0, follower.poll(4), "caught up");
                assertEquals(journal.lastIndex(), follower.lastPosition());
                // Idle: the file holds every output so far. Every session of the run ends with its SessionEnd, so
                // that is all of it; without flushOutputWhenIdle up to 1 MiB would still sit in the sink's buffer.
                Await.until("the idle pipeline wrote its output out", Duration.ofSeconds(30),
                    () -> Arrays.equals(replayed, Files.readAllBytes(followed)));
            }
            finally
            {
                pipeline.close();
            }
        }
        assertArrayEquals(replayed, Files.readAllBytes(followed), "followed step by step = replayed at once");
    }

    private static byte[] replay(final Path journalDir, final Path out) throws Exception
    {
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
        {
            final TelemetryPipeline replay = TelemetryPipeline.builder().name("replay")
                .manifest(Manifests.compile("lap-power.yaml"))
                .config(JournalReplayer.replayConfig(PipelineConfig.defaults(), out)).build();
            try
            {
                JournalReplayer.replay(journal, replay, null);
            }
            finally
            {
                replay.close();
            }
        }
        return Files.readAllBytes(out);
    }
}
