package io.pitgun.engine;

import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalTailer;
import io.pitgun.manifest.ManifestException;
import io.pitgun.testsupport.HeldThreads;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start, publish paths, refusals, subscribers and shutdown. */
class PipelineLifecycleTest
{
    private static final UUID SESSION = UUID.fromString("53702b3e-3e56-41a2-8834-9169ee5e991e");
    private static final UUID PRODUCER = UUID.fromString("7d16dde5-88a6-4b47-8cd8-c711601cd61f");

    @TempDir
    Path dir;

    private static TelemetryPipeline start(final PipelineConfig config) throws ManifestException
    {
        return TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml")).config(config).build();
    }

    @Test
    void shouldStopEveryThreadItStartedOnClose() throws ManifestException
    {
        // Default: journal and processing share one consumer thread; the journal pretoucher has its own.
        assertStopsEveryThread(PipelineConfig.builder().journalDirectory(dir).build(), 2);
    }

    @Test
    void shouldStopEveryThreadItStartedOnCloseWithASeparateJournalThread() throws ManifestException
    {
        assertStopsEveryThread(PipelineConfig.builder().journalDirectory(dir).journalThread(JournalThread.SEPARATE)
            .build(), 3);
    }

    @Test
    void shouldStartNoPretoucherWhenItIsTurnedOff() throws ManifestException
    {
        assertStopsEveryThread(PipelineConfig.builder().journalDirectory(dir).journalPretouch(false).build(), 1);
    }

    @Test
    void shouldMakeItsThreadsWithTheEmbeddersFactoryAndNameThem() throws ManifestException
    {
        final List<Thread> made = new ArrayList<>();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().name("pinned")
            .manifest(Manifests.compile("lap-power.yaml")).config(PipelineConfig.builder().journalDirectory(dir).build())
            .threadFactory(task ->
            {
                final Thread thread = new Thread(task);
                made.add(thread);
                return thread;
            })
            .build();
        try
        {
            assertEquals(made, pipeline.threads());
            assertEquals(Set.of("pitgun-pinned-process", "pitgun-pinned-pretouch"),
                made.stream().map(Thread::getName).collect(java.util.stream.Collectors.toSet()));
            assertTrue(made.stream().allMatch(Thread::isDaemon));
        }
        finally
        {
            pipeline.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseASecondPipelineWritingTheSameJournal() throws Exception
    {
        // Before: the second build() succeeded and both pipelines appended to the one journal, interleaved (two
        // ManifestLoaded entries, two producers' frames), so its replay derived what neither pipeline derived.
        final PipelineConfig config = PipelineConfig.builder().journalDirectory(dir).outputDigest(true).build();
        final TelemetryPipeline first = start(config);
        final long last;
        try
        {
            final DataDirectoryLock.HeldException refused = assertThrows(DataDirectoryLock.HeldException.class,
                () -> start(config));
            assertTrue(refused.getMessage().contains("another pipeline writing this journal is running here"),
                refused.getMessage());
            final FrameWriter writer = first.newFrameWriter(SESSION, PRODUCER, 0);
            long position = -1;
            for (int i = 0; i < 100; i++)
            {
                position = writer.begin(i, 1_000L * i).lapNumber(1 + i / 50).putDouble(SyntheticRun.SPEED, 100 + i)
                    .commit();
            }
            last = position;
        }
        finally
        {
            first.close();
        }
        assertTrue(first.isJournaled(last));
        assertEquals(first.outputDigest(), replayDigest(dir), "the journal holds the first pipeline's frames only");

        // Closed, it lets the next pipeline write there (as does a build() that failed, which closes what it opened).
        final TelemetryPipeline next = start(config);
        next.close();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldLeaveTheRunningPipelinesOutputAloneWhenASecondIsRefused() throws Exception
    {
        // Before: the refused build() opened its output.jsonl (truncated) before it found the journal locked, so the
        // running pipeline's lines were lost and its next ones followed a hole of NUL bytes; and it kept the file open.
        final Path output = dir.resolve("out.jsonl");
        final PipelineConfig config = PipelineConfig.builder().journalDirectory(dir.resolve("journal"))
            .jsonLinesFile(output).build();
        final TelemetryPipeline first = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(config).flushOutputWhenIdle(true).build();
        try
        {
            final FrameWriter writer = first.newFrameWriter(SESSION, PRODUCER, 0);
            for (int i = 0; i < 100; i++)
            {
                writer.begin(i, 1_000L * i).lapNumber(1 + i / 50).putDouble(SyntheticRun.SPEED, 100 + i).commit();
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (Files.size(output) == 0)
            {
                assertTrue(System.nanoTime() < deadline, "the running pipeline wrote no line within 30 s");
                Thread.onSpinWait();
            }
            assertThrows(DataDirectoryLock.HeldException.class, () -> start(config));
        }
        finally
        {
            first.close();
        }
        final byte[] lines = Files.readAllBytes(output);
        assertEquals('{', lines[0], "the running pipeline's first line is where it wrote it");
        for (final byte b : lines)
        {
            assertTrue(b != 0, "no hole in the running pipeline's output");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldLetTheJournalBeWrittenAfterABuildThatFailedOnItsOutput() throws Exception
    {
        // pipeline.lock is taken before the outputs are opened: a build() refused by one of them must release it.
        final Path journal = dir.resolve("journal");
        final PipelineConfig unwritable = PipelineConfig.builder().journalDirectory(journal).jsonLinesFile(dir)
            .build();
        assertThrows(RuntimeException.class, () -> start(unwritable));
        final TelemetryPipeline next = start(PipelineConfig.builder().journalDirectory(journal).build());
        next.close();
    }

    private static Optional<String> replayDigest(final Path journalDir) throws ManifestException
    {
        final TelemetryPipeline replay = start(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).outputDigest(true)
            .build());
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir)))
        {
            JournalReplayer.replay(journal, replay, null);
        }
        finally
        {
            replay.close();
        }
        return replay.outputDigest();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldLeaveNoThreadNorOpenFileWhenTheFactoryFailsDuringBuild() throws Exception
    {
        // Before: the threads the factory had already made kept running (pitgun-<name>-pretouch, or -journal) and
        // the journal's files stayed open, with no pipeline for the caller to close.
        for (final JournalThread journalThread : new JournalThread[] {JournalThread.PROCESS, JournalThread.SEPARATE})
        {
            for (final boolean startedThread : new boolean[] {false, true})
            {
                final Path journal = dir.resolve(journalThread.symbol() + startedThread);
                final int[] calls = {0};
                final List<Thread> made = new ArrayList<>();
                final Throwable failure = assertThrows(Throwable.class, () -> TelemetryPipeline.builder()
                    .name("failing").manifest(Manifests.compile("lap-power.yaml"))
                    .config(PipelineConfig.builder().journalDirectory(journal).journalThread(journalThread).build())
                    .threadFactory(task ->
                    {
                        if (++calls[0] == 2)
                        {
                            if (!startedThread)
                            {
                                throw new OutOfMemoryError("unable to create native thread");
                            }
                            final Thread running = new Thread(() -> { });
                            running.start(); // a factory that hands out a started thread: start() fails
                            return running;
                        }
                        final Thread thread = new Thread(task);
                        made.add(thread);
                        return thread;
                    })
                    .build());
                assertTrue(failure instanceof OutOfMemoryError || failure instanceof IllegalThreadStateException,
                    failure::toString);
                for (final Thread thread : made)
                {
                    thread.join(10_000);
                    assertFalse(thread.isAlive(), thread.getName() + " outlived the failed build, " + journalThread);
                }
                // Chronicle unmaps and closes a closed queue's files on a background thread of its own: wait for it
                // (bounded; before the fix they stayed open for good).
                io.pitgun.testsupport.Await.until("the journal's files closed, " + journalThread,
                    () -> openFilesUnder(journal).isEmpty());
            }
        }
    }

    private static List<String> openFilesUnder(final Path directory) throws java.io.IOException
    {
        final List<String> open = new ArrayList<>();
        try (java.util.stream.Stream<Path> fds = java.nio.file.Files.list(Path.of("/proc/self/fd")))
        {
            for (final Path fd : (Iterable<Path>)fds::iterator)
            {
                try
                {
                    final Path target = java.nio.file.Files.readSymbolicLink(fd);
                    if (target.startsWith(directory))
                    {
                        open.add(target.toString());
                    }
                }
                catch (final java.io.IOException ex)
                {
                    // closed while listing
                }
            }
        }
        return open;
    }

    private void assertStopsEveryThread(final PipelineConfig config, final int threads) throws ManifestException
    {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        final TelemetryPipeline pipeline = start(config);
        final List<Thread> started = pipeline.threads();
        assertEquals(threads, started.size());
        for (final Thread thread : started)
        {
            assertTrue(thread.getName().startsWith("pitgun-"), thread.getName());
            assertTrue(thread.isAlive());
        }
        new SyntheticRun(1, 500, 100).publish(pipeline);
        pipeline.close();
        for (final Thread thread : started)
        {
            assertFalse(thread.isAlive(), thread.getName() + " outlived close()");
        }
        final List<String> leftovers = new ArrayList<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (!before.contains(thread) && thread.isAlive() && thread.getName().startsWith("pitgun-"))
            {
                leftovers.add(thread.getName());
            }
        }
        assertEquals(List.of(), leftovers);
        assertEquals(1_000, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED), "close() drained the ring");
        assertEquals(1_000 + 4, pipeline.counters().get(PipelineCounter.FRAMES_JOURNALED),
            "every frame and the SessionStart/SessionEnd of both sources");
        assertThrows(IllegalStateException.class, () -> pipeline.newFrameWriter(SESSION, PRODUCER, 0).begin(1, 1));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldReturnFromCloseWithinItsDeadlineAndCountWhatItAbandonedWhenAStageIsStuck() throws Exception
    {
        final HeldThreads held = new HeldThreads();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().name("stuck")
            .manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().journalDirectory(dir).channelCapacity(16).build())
            .threadFactory(held).build();
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            for (int i = 0; i < 16; i++)
            {
                writer.begin(i, i * 1_000L).putDouble(SyntheticRun.SPEED, 100).commit();
            }
            assertEquals(0, pipeline.remainingCapacity(), "nothing consumed: the ring is full");
            final long startNs = System.nanoTime();
            final IllegalStateException abandoned = assertThrows(IllegalStateException.class,
                () -> pipeline.close(TimeUnit.MILLISECONDS.toNanos(300)));
            final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(tookMs < 300 + TelemetryPipeline.ABANDON_GRACE_MS + 2_000, "close took " + tookMs + " ms");
            assertTrue(abandoned.getMessage().contains("pitgun-stuck-process"), abandoned.getMessage());
            assertEquals(2, pipeline.counters().get(PipelineCounter.STAGE_THREADS_ABANDONED), "process, pretouch");
            assertEquals(16, pipeline.counters().get(PipelineCounter.DROPPED_UNPROCESSED_AT_CLOSE));
            assertEquals(16, pipeline.counters().dropped());
            pipeline.close(); // idempotent: returns at once
        }
        finally
        {
            held.release(); // the halted processors run no event: they exit at once
        }
        for (final Thread thread : pipeline.threads())
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(thread.isAlive(), thread.getName() + " outlived its release");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldNeverAcknowledgeWhatARefusedTryPublishReturned() throws Exception
    {
        // Before: isJournaled, awaitJournaled and isAcknowledged said true for RING_FULL (-1) and JOURNAL_REFUSED
        // (-2), so a producer that acknowledged what tryPublish returned acknowledged frames that were dropped.
        final CountDownLatch stalled = new CountDownLatch(1);
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir).channelCapacity(2)
            .build());
        pipeline.addJournaledListener(journaled ->
        {
            try
            {
                stalled.await(); // holds the stages: the ring fills
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        try
        {
            final ExpandableArrayBuffer frame = new ExpandableArrayBuffer();
            long position = 0;
            for (int i = 0; position >= 0; i++)
            {
                position = pipeline.tryPublish(frame, 0, encodeFrame(frame, 1, i));
            }
            assertEquals(TelemetryPipeline.RING_FULL, position);
            assertEquals(1, pipeline.counters().get(PipelineCounter.DROPPED_RING_FULL));
            for (final long refused : new long[] {TelemetryPipeline.RING_FULL, TelemetryPipeline.JOURNAL_REFUSED})
            {
                assertFalse(pipeline.isJournaled(refused), "isJournaled(" + refused + ")");
                assertFalse(pipeline.isAcknowledged(refused), "isAcknowledged(" + refused + ")");
                assertFalse(pipeline.awaitJournaled(refused, TimeUnit.MINUTES.toNanos(5)), "awaitJournaled(" +
                    refused + ") returns at once");
            }
        }
        finally
        {
            stalled.countDown();
            pipeline.close();
        }
        final TelemetryPipeline accepted = start(PipelineConfig.builder().ackMode(AckMode.ACCEPTED).build());
        try
        {
            final long published = accepted.newFrameWriter(SESSION, PRODUCER, 0).begin(1, 1_000)
                .putDouble(SyntheticRun.SPEED, 100).commit();
            assertTrue(accepted.isAcknowledged(published));
            assertFalse(accepted.isAcknowledged(TelemetryPipeline.RING_FULL), "accepted mode too");
        }
        finally
        {
            accepted.close();
        }
    }

    @Test
    void shouldAcknowledgeOnlyJournaledFramesInJournaledMode() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().journalDirectory(dir).build());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final long position = writer.begin(1, 1_000).putDouble(SyntheticRun.SPEED, 100).commit();
            assertTrue(pipeline.awaitJournaled(position, TimeUnit.SECONDS.toNanos(30)));
            assertTrue(pipeline.isAcknowledged(position));
            assertTrue(pipeline.journaledSequence() >= position);
            assertEquals(1, pipeline.journal().orElseThrow().lastIndex() >= 0 ? 1 : 0);
            assertEquals(pipeline.journal().orElseThrow().lastIndex(), pipeline.journalIndexOf(position),
                "the only frame is the journal's last message");
            // A batch of frames: each ring position maps to the journal position the tailer delivers it at.
            final long[] positions = new long[200];
            for (int i = 0; i < positions.length; i++)
            {
                positions[i] = writer.begin(2 + i, 2_000 + i).putDouble(SyntheticRun.SPEED, 100).commit();
            }
            assertTrue(pipeline.awaitJournaled(positions[positions.length - 1], TimeUnit.SECONDS.toNanos(30)));
            final List<Long> journalPositions = new ArrayList<>();
            try (JournalTailer tailer = pipeline.journal().orElseThrow().tailer())
            {
                while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) -> journalPositions.add(index)))
                {
                    // all of it
                }
            }
            // The ManifestLoaded provenance entry, then the first frame, then the batch.
            assertEquals(2 + positions.length, journalPositions.size());
            for (int i = 0; i < positions.length; i++)
            {
                assertEquals(journalPositions.get(2 + i).longValue(), pipeline.journalIndexOf(positions[i]));
            }
            assertEquals(-1, pipeline.journalIndexOf(positions[positions.length - 1] + 1), "not published yet");
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(201, pipeline.counters().get(PipelineCounter.FRAMES_JOURNALED));
        assertEquals(201, pipeline.latency().snapshot(LatencyStage.PUBLISH_TO_JOURNALED).getTotalCount());
        assertTrue(pipeline.latency().snapshot(LatencyStage.PUBLISH_TO_PROCESSED).getTotalCount() >= 1);
    }

    @Test
    void shouldRejectFrameLargerThanSlot() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().ackMode(AckMode.ACCEPTED)
            .maxFrameBytes(128).build());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            assertEquals(5, writer.maxSamples());
            writer.begin(1, 1_000);
            // Five f32 channels of sim.v1 (each id once per frame), then a sixth.
            for (final int id : new int[] {SyntheticRun.THROTTLE, SyntheticRun.SPEED, SyntheticRun.TORQUE,
                SyntheticRun.BRAKE, 8})
            {
                writer.putDouble(id, 10);
            }
            final FrameRejectedException tooMany = assertThrows(FrameRejectedException.class,
                () -> writer.putDouble(9, 10));
            assertEquals(PipelineCounter.DROPPED_FRAME_TOO_LARGE, tooMany.reason());
            assertTrue(tooMany.getMessage().contains("not truncated") || tooMany.getMessage().contains("not " +
                "be truncated") || tooMany.getMessage().contains("was not truncated"), tooMany.getMessage());

            final ExpandableArrayBuffer big = new ExpandableArrayBuffer();
            final int length = encodeFrame(big, 20);
            final FrameRejectedException tooLong = assertThrows(FrameRejectedException.class,
                () -> pipeline.publish(big, 0, length));
            assertTrue(tooLong.getMessage().contains(length + " bytes refused"), tooLong.getMessage());

            writer.begin(2, 2_000).putDouble(SyntheticRun.SPEED, 10).commit();
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(2, pipeline.counters().get(PipelineCounter.DROPPED_FRAME_TOO_LARGE));
        assertEquals(1, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED), "the refused frames never ran");
    }

    @Test
    void shouldRefuseUnknownParametersAndValuesOutsideTheDictionaryRange() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.defaults());
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            final FrameRejectedException unknown = assertThrows(FrameRejectedException.class,
                () -> writer.begin(1, 1).putDouble(30_000, 1));
            assertTrue(unknown.getMessage().contains("30000"), unknown.getMessage());
            final FrameRejectedException range = assertThrows(FrameRejectedException.class,
                () -> writer.begin(2, 2).putDouble(SyntheticRun.SPEED, 999));
            assertTrue(range.getMessage().contains("Speed"), range.getMessage());
        }
        finally
        {
            pipeline.close();
        }
        assertEquals(2, pipeline.counters().get(PipelineCounter.DROPPED_INVALID_PARAMETER));
        assertEquals(0, pipeline.counters().get(PipelineCounter.FRAMES_PROCESSED));
    }

    @Test
    void shouldPublishPreEncodedFramesAndDecodeStraightIntoAClaimedSlot() throws ManifestException
    {
        final PipelineConfig config = PipelineConfig.builder().ackMode(AckMode.ACCEPTED).outputDigest(true).build();
        final TelemetryPipeline copied = start(config);
        final TelemetryPipeline direct = start(config);
        final ExpandableArrayBuffer frame = new ExpandableArrayBuffer();
        try
        {
            final SlotClaim claim = direct.newSlotClaim();
            for (int i = 0; i < 100; i++)
            {
                final int length = encodeFrame(frame, 3, i);
                copied.publish(frame, 0, length);
                claim.claim();
                assertEquals(length, encodeFrame(claim.buffer(), claim.offset(), 3, i));
                claim.commit(length);
            }
        }
        finally
        {
            copied.close();
            direct.close();
        }
        assertEquals(100, copied.counters().get(PipelineCounter.DERIVED_FRAMES));
        assertEquals(copied.outputDigest(), direct.outputDigest());
    }

    @Test
    void shouldPublishABatchAllOrNothing() throws ManifestException
    {
        final PipelineConfig config = PipelineConfig.builder().ackMode(AckMode.ACCEPTED).outputDigest(true)
            .channelCapacity(8).build();
        final TelemetryPipeline batched = start(config);
        final TelemetryPipeline oneByOne = start(config);
        final ExpandableArrayBuffer frames = new ExpandableArrayBuffer();
        final int[] offsets = new int[8];
        final int[] lengths = new int[8];
        int at = 0;
        for (int i = 0; i < 8; i++)
        {
            offsets[i] = at;
            lengths[i] = encodeFrame(frames, at, 2 + i % 3, i);
            at += lengths[i];
        }
        try
        {
            assertEquals(8, batched.remainingCapacity());
            // A claimed, uncommitted slot stops the stages there, so the ring cannot drain under the test.
            final SlotClaim held = batched.newSlotClaim();
            held.claim();
            assertEquals(7, batched.remainingCapacity());
            assertEquals(-1, batched.tryPublishBatch(frames, offsets, lengths, 0, 8), "8 slots needed, 7 free");
            assertEquals(8, batched.counters().get(PipelineCounter.DROPPED_RING_FULL));
            assertEquals(7, batched.remainingCapacity(), "nothing was claimed");
            final int[] badLengths = lengths.clone();
            badLengths[3] = 1 << 20;
            final FrameRejectedException tooLarge = assertThrows(FrameRejectedException.class,
                () -> batched.tryPublishBatch(frames, offsets, badLengths, 1, 7));
            assertTrue(tooLarge.getMessage().startsWith("message 2 of the batch"), tooLarge.getMessage());
            assertEquals(7, batched.remainingCapacity(), "nothing was claimed");
            assertThrows(IllegalArgumentException.class, () -> batched.tryPublishBatch(frames, offsets, lengths, 0, 9));

            assertEquals(7, batched.tryPublishBatch(frames, offsets, lengths, 1, 7), "sequences 1..7");
            assertEquals(0, batched.remainingCapacity());
            assertEquals(-1, batched.tryPublishBatch(frames, offsets, lengths, 0, 1));
            held.buffer().putBytes(held.offset(), frames, offsets[0], lengths[0]);
            held.commit(lengths[0]);
            for (int i = 0; i < 8; i++)
            {
                oneByOne.publish(frames, offsets[i], lengths[i]);
            }
        }
        finally
        {
            batched.close();
            oneByOne.close();
        }
        assertEquals(8, batched.counters().get(PipelineCounter.DERIVED_FRAMES));
        assertEquals(oneByOne.outputDigest(), batched.outputDigest(), "the same frames in the same order");
    }

    @Test
    void shouldDropASlowSubscriberWithoutSlowingThePipeline() throws ManifestException
    {
        final TelemetryPipeline pipeline = start(PipelineConfig.builder().ackMode(AckMode.ACCEPTED)
            .subscriberBufferBytes(4096).build());
        final Subscription slow = pipeline.subscribe("slow");
        final Subscription fast = pipeline.subscribe("fast");
        final int[] received = new int[1];
        final SubscriptionHandler counting = new SubscriptionHandler()
        {
            @Override
            public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
            {
                received[0]++;
            }

            @Override
            public void onInsight(final DirectBuffer buffer, final int offset, final int length)
            {
            }
        };
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SESSION, PRODUCER, 0);
            for (int i = 0; i < 2_000; i++)
            {
                writer.begin(i, i * 1_000L).putDouble(SyntheticRun.SPEED, 100).commit();
                // Keep the fast subscriber's queue short whatever the scheduler does: wait for the frame's output.
                while (pipeline.counters().get(PipelineCounter.DERIVED_FRAMES) <= i)
                {
                    Thread.onSpinWait();
                }
                fast.poll(counting, 100);
            }
        }
        finally
        {
            pipeline.close();
        }
        while (fast.poll(counting, 100) > 0)
        {
            Thread.onSpinWait();
        }
        // A subscriber learns that it was lapped when it next reads (the writer never looks at the subscribers).
        assertEquals(0, slow.poll(counting, 100), "the lapped subscriber received something");
        assertTrue(slow.isDropped(), "the subscriber that never polled was dropped");
        assertEquals(1, pipeline.counters().get(PipelineCounter.SUBSCRIBERS_DROPPED));
        assertEquals(2_000, pipeline.counters().get(PipelineCounter.DERIVED_FRAMES), "the pipeline kept going");
        assertEquals(2_000, received[0], "the subscriber that kept up got everything");
    }

    static int encodeFrame(final org.agrona.MutableDirectBuffer buffer, final int samples)
    {
        return encodeFrame(buffer, 0, samples, 0);
    }

    static int encodeFrame(final org.agrona.MutableDirectBuffer buffer, final int samples, final int i)
    {
        return encodeFrame(buffer, 0, samples, i);
    }

    static int encodeFrame(final org.agrona.MutableDirectBuffer buffer, final int offset, final int samples,
        final int i)
    {
        final TelemetryFrameEncoder encoder = new TelemetryFrameEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder());
        encoder.sessionId().mostSigBits(SESSION.getMostSignificantBits()).leastSigBits(SESSION.getLeastSignificantBits());
        encoder.producerId().mostSigBits(PRODUCER.getMostSignificantBits())
            .leastSigBits(PRODUCER.getLeastSignificantBits());
        encoder.sequence(i).timestampUs(1_000L * i).sourceId(0).lapNumber(1);
        final TelemetryFrameEncoder.SamplesEncoder group = encoder.samplesCount(samples);
        for (int s = 0; s < samples; s++)
        {
            group.next().value(Double.doubleToRawLongBits((double)(float)(50.0 + i + s)))
                .parameterId(SyntheticRun.SPEED).valueType(io.pitgun.codecs.sbe.ValueType.F32)
                .quality(io.pitgun.codecs.sbe.SignalQuality.GOOD);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    @SuppressWarnings("unused")
    private static DirectBuffer unused()
    {
        return new UnsafeBuffer(new byte[0]);
    }
}
