package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalDumper;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalTailer;
import io.pitgun.journal.JournalVerifier;
import io.pitgun.journal.ProgressListener;
import io.pitgun.manifest.ManifestException;
import io.pitgun.testsupport.HeldThreads;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code journal.thread: producer} ({@link JournalThread#PRODUCER}, the latency profile's): the producer journals
 * each frame inside its publish, so a frame is journaled when {@code commit()} returns, whatever the stage threads
 * do; the journal holds the same messages as the journal stage writes, and only a single producer may choose it.
 */
class InlineJournalTest
{
    private static final UUID SESSION = UUID.fromString("53702b3e-3e56-41a2-8834-9169ee5e991e");
    private static final UUID PRODUCER = UUID.fromString("7d16dde5-88a6-4b47-8cd8-c711601cd61f");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldHaveJournaledTheFrameWhenCommitReturnsWhileEveryStageThreadIsHeld() throws Exception
    {
        final HeldThreads held = new HeldThreads();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().name("inline")
            .manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().journalDirectory(dir).latencyProfile().build())
            .threadFactory(held).build();
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final long position = writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100).commit();

            assertTrue(pipeline.isJournaled(position), "journaled by commit() itself: no stage thread has run");
            assertTrue(pipeline.awaitJournaled(position, 0));
            assertEquals(pipeline.journal().orElseThrow().lastIndex(), pipeline.journalIndexOf(position));
            assertEquals(1, pipeline.counters().get(PipelineCounter.FRAMES_JOURNALED));
            assertEquals(0, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED), "the stages are held");
            assertEquals(1, pipeline.latency().snapshot(LatencyStage.PUBLISH_TO_JOURNALED).getTotalCount());
        }
        finally
        {
            held.release();
            pipeline.close();
        }
        assertEquals(1, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED), "processed once released");
        assertEquals(0, pipeline.counters().dropped());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldNotHaveJournaledTheFrameWhenCommitReturnsWithTheJournalOnTheProcessingThread() throws Exception
    {
        // The contrast: with the journal on a stage thread, a held stage thread journals nothing.
        final HeldThreads held = new HeldThreads();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().name("staged")
            .manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().journalDirectory(dir).latencyProfile()
                .journalThread(JournalThread.PROCESS).build())
            .threadFactory(held).build();
        try
        {
            final long position = pipeline.newFrameWriter(SESSION, PRODUCER, 0).begin(1, 1_000)
                .putDouble(SyntheticRun.SPEED, 100).commit();
            assertFalse(pipeline.isJournaled(position));
            held.release();
            assertTrue(pipeline.awaitJournaled(position, TimeUnit.SECONDS.toNanos(30)));
        }
        finally
        {
            held.release();
            pipeline.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldJournalABatchPublishAsOneEntryAndASlotClaimBeforeEitherReturns() throws Exception
    {
        // Three well-formed messages, taken from a journal a FrameWriter wrote.
        final UnsafeBuffer messages = new UnsafeBuffer(new byte[4096]);
        final int[] offsets = new int[3];
        final int[] lengths = new int[3];
        final Path source = dir.resolve("source");
        runInto(new SyntheticRun(1, 2, 1_000), source, JournalThread.PRODUCER, "lap-power.yaml");
        try (Journal journal = Journal.open(JournalConfig.readOnly(source)); JournalTailer tailer = journal.tailer())
        {
            final int[] n = { 0, 0 };
            while (n[0] < 3 && tailer.readNext((index, buffer, offset, length, ingestTimeNs) ->
            {
                if (n[0] < 3)
                {
                    offsets[n[0]] = n[1];
                    lengths[n[0]] = length;
                    messages.putBytes(n[1], buffer, offset, length);
                    n[1] += length;
                    n[0]++;
                }
            }))
            {
                // three messages
            }
        }

        final HeldThreads held = new HeldThreads();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().name("batch")
            .manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().journalDirectory(dir.resolve("batch")).latencyProfile().build())
            .threadFactory(held).build();
        try
        {
            final long last = pipeline.tryPublishBatch(messages, offsets, lengths, 0, 3);
            assertTrue(pipeline.isJournaled(last), "journaled before tryPublishBatch returned");
            final long entry = JournalEntryDescriptor.entryIndex(pipeline.journalIndexOf(last));
            for (int i = 0; i < 3; i++)
            {
                assertEquals(JournalEntryDescriptor.position(entry, i), pipeline.journalIndexOf(last - 2 + i),
                    "one entry holds the batch, in ring order");
            }

            final SlotClaim claim = pipeline.newSlotClaim();
            claim.claim();
            claim.buffer().putBytes(claim.offset(), messages, offsets[0], lengths[0]);
            final long claimed = claim.commit(lengths[0]);
            assertTrue(pipeline.isJournaled(claimed), "journaled before SlotClaim.commit returned");
            assertEquals(JournalEntryDescriptor.position(entry + 1, 0), pipeline.journalIndexOf(claimed));
            assertEquals(4, pipeline.counters().get(PipelineCounter.FRAMES_JOURNALED));
        }
        finally
        {
            held.release();
            pipeline.close();
        }
        assertEquals(0, pipeline.counters().dropped());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldJournalTheSameMessagesAndGiveTheSameOutputAsTheJournalStage() throws Exception
    {
        // fast-only.yaml makes no insights, the only output that carries journal positions (which differ: the
        // producer writes an entry per frame, the stage one per batch), so the digests must be equal.
        final SyntheticRun run = new SyntheticRun(2, 5_000, 1_000);
        final Path staged = dir.resolve("staged");
        final Path inline = dir.resolve("inline");
        final String stagedDigest = runInto(run, staged, JournalThread.PROCESS, "fast-only.yaml");
        final String inlineDigest = runInto(run, inline, JournalThread.PRODUCER, "fast-only.yaml");

        assertEquals(stagedDigest, inlineDigest);
        final List<String> stagedMessages = dumpedMessages(staged);
        assertEquals(run.totalFrames() + 4L * run.sessions + 2, stagedMessages.size(),
            "+ ManifestLoaded and PipelineDrained");
        assertEquals(stagedMessages, dumpedMessages(inline));
        try (Journal journal = Journal.open(JournalConfig.readOnly(inline)))
        {
            final JournalVerifier.Result verified = JournalVerifier.verify(journal, ProgressListener.NONE);
            assertTrue(verified.ok(), verified.toString());
            assertEquals(run.totalFrames() + 4L * run.sessions + 2, verified.entriesChecked(),
                "one entry of one message per commit, between the ManifestLoaded and PipelineDrained entries");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldGiveTheSameOutputAsTheJournalStageWhileTheProducerLapsAnEightSlotRing() throws Exception
    {
        // Before each publish the producer takes the next slot's lines for writing (RingPublisher.touchNextSlot
        // stores back what is there, once every stage is done with the slot). On an eight-slot ring the producer
        // laps the stages all the time, so a touch that changed a slot's bytes while a stage still used it would
        // change the output digest (a touch storing -1 instead, unguarded, failed here).
        final SyntheticRun run = new SyntheticRun(2, 5_000, 1_000);
        final String staged = runInto(run, dir.resolve("staged"), JournalThread.PROCESS, "fast-only.yaml", 0);
        final String inline = runInto(run, dir.resolve("inline"), JournalThread.PRODUCER, "fast-only.yaml", 8);

        assertEquals(staged, inline);
    }

    @Test
    void shouldRefuseTheProducersJournalUnlessThereIsOneProducer()
    {
        final PipelineConfigException multi = assertThrows(PipelineConfigException.class,
            () -> PipelineConfig.builder().journalDirectory(dir).journalThread(JournalThread.PRODUCER).build());
        assertEquals(PipelineSetting.JOURNAL_THREAD.key(), multi.key());
        assertTrue(multi.getMessage().contains("needs producer: single (got multi)"), multi.getMessage());

        assertThrows(PipelineConfigException.class, () -> PipelineConfig.builder().journalDirectory(dir)
            .latencyProfile().producerMode(ProducerMode.MULTI).build());
        assertThrows(PipelineConfigException.class, () -> PipelineConfig.parseYaml(dir.resolve("p.yaml"),
            "journal:\n  directory: j\n  thread: producer\n"));
        assertEquals(JournalThread.PRODUCER, PipelineConfig.parseYaml(dir.resolve("p.yaml"),
            "producer: single\njournal:\n  directory: j\n  thread: producer\n").journalThread());
    }

    private static String runInto(final SyntheticRun run, final Path journalDir, final JournalThread journalThread,
        final String manifest) throws ManifestException
    {
        return runInto(run, journalDir, journalThread, manifest, 0);
    }

    /** {@code channelCapacity} 0: the default ring. */
    private static String runInto(final SyntheticRun run, final Path journalDir, final JournalThread journalThread,
        final String manifest, final int channelCapacity) throws ManifestException
    {
        final PipelineConfig.Builder config = PipelineConfig.builder().journalDirectory(journalDir)
            .producerMode(ProducerMode.SINGLE).journalThread(journalThread).outputDigest(true);
        if (channelCapacity > 0)
        {
            config.channelCapacity(channelCapacity);
        }
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().name(journalThread.symbol())
            .manifest(Manifests.compile(manifest)).config(config.build()).build();
        try
        {
            final long last = run.publish(pipeline);
            assertTrue(pipeline.awaitJournaled(last, TimeUnit.SECONDS.toNanos(60)));
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(0, pipeline.counters().dropped());
        return pipeline.outputDigest().orElseThrow();
    }

    /** {@code pitgun journal dump}'s JSON lines without their journal positions (entry boundaries differ). */
    private static List<String> dumpedMessages(final Path journalDir) throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
        {
            final JournalDumper.Result result = new JournalDumper(ParameterRegistry.simV1())
                .dump(journal, JournalDumper.Options.all(), out, ProgressListener.NONE);
            assertEquals(0, result.skipped(), result.toString());
        }
        return Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n"))
            .map(line -> line.replaceFirst("\"index\":\\d+,?", ""))
            // ManifestLoaded carries the wall-clock time of the start, which differs between two runs
            .map(line -> line.replaceFirst("(\"(ManifestLoaded|PipelineDrained)\".*\"timestamp_us\":)\\d+", "$1"))
            .collect(Collectors.toList());
    }
}
