package io.pitgun.engine;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalDamagedException;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalPretouchAgent;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import io.pitgun.manifest.Stage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The consumer side of a pipeline: the output sinks, the stages and the Disruptor batch processors that run them
 * over the ring, their threads, and their orderly stop —
 * <pre>
 *   ring ──▶ [journal thread: JournalStage] ──▶ process thread: ProcessingStage
 *            (or one thread: JournalingProcessingStage)   merge ─▶ manifest ─▶ segment ─▶ OutputFanout ─▶ sinks
 *            (or none: the producer runs JournalStage inside its publish, journal.thread: producer)
 *   pretouch thread: JournalPretouchAgent under a BoundedAgentRunner (journal.pretouch)
 * </pre>
 * The processing barrier waits on the journal processor (when it has a thread of its own), so nothing reaches a
 * sink before it is journaled (with {@link JournalThread#PRODUCER} a slot is journaled before it is published);
 * the ring is gated on the last processor only. Threads start in {@link #start()} and are named
 * {@code pitgun-<pipeline>-<stage>} ({@link PipelineThreads}).
 */
final class StageGraph
{
    /**
     * The file in {@code journal.directory} a pipeline locks while it writes the journal there: two writers would
     * interleave their entries (two ManifestLoaded entries, two streams of ring sequences), and no replay derives what
     * either pipeline derived. A gateway holds {@code DATA_DIR/gateway.lock} as well, for the rest of its directory.
     */
    static final String JOURNAL_LOCK_FILE = "pipeline.lock";

    private final String pipelineName;
    private final SlotRing ring;
    private final PipelineCounters counters;
    private final StageErrors errors;
    private final PipelineThreads threads;
    private final Journal journal;
    private final boolean ownsJournal;
    /** Held while the journal this graph opened is open ({@link #JOURNAL_LOCK_FILE}), or null. */
    private final DataDirectoryLock journalLock;
    private final JournalStage journalStage;
    /** The journal stage the producer runs inside its publish (journal.thread: producer), else null. */
    private JournalStage inlineJournal;
    private final JournalPretouchAgent pretoucher;
    /** The pretoucher's finding of a cycle file cut short as the journal's failure, made once. */
    private volatile Throwable cutUnderWriter;
    private BoundedAgentRunner pretouchRunner;
    private final OutputSink[] sinks;
    private final OutputDigest digest;
    private final SegmentStage segment;
    private final List<BatchEventProcessor<FrameSlot>> processors = new ArrayList<>();
    private final BatchEventProcessor<FrameSlot> lastProcessor;
    private Thread processingThread;
    /** Set once this pipeline's ManifestLoaded entry is journaled: its run, which a PipelineDrained entry ends. */
    private volatile boolean runJournaled;
    /** Why this run's PipelineDrained entry could not be journaled at its drain, or null. */
    private volatile Throwable drainUnrecorded;

    /**
     * Builds the graph without starting a thread.
     *
     * @param adoptedJournal an open journal to append to and leave open, or null to open {@code journal.directory}
     *                       (if set) and close it with the graph.
     * @param flushOutputWhenIdle the sinks write out what they buffer whenever processing catches up with the ring.
     */
    StageGraph(final String pipelineName, final PipelineConfig config, final ParameterRegistry registry,
        final CompiledManifest manifest, final String manifestSha256, final String signerKeyId, final SlotRing ring,
        final AckTracker acks,
        final SubscriberFanout subscribers, final List<OutputSink> extraSinks, final Journal adoptedJournal, final PipelineThreads threads,
        final PipelineCounters counters, final PipelineLatency latency, final StageErrors errors,
        final boolean flushOutputWhenIdle)
    {
        this.pipelineName = pipelineName;
        this.ring = ring;
        this.counters = counters;
        this.errors = errors;
        this.threads = threads;
        final RingBuffer<FrameSlot> ringBuffer = ring.ringBuffer();
        final SlotDescriptor descriptor = ring.descriptor();

        ownsJournal = adoptedJournal == null && config.journalDirectory().isPresent();
        // Before any output is opened: a pipeline refused here must leave the running one's alone (a JSON Lines
        // file is truncated as it opens, under the running pipeline's writes).
        journalLock = ownsJournal ? DataDirectoryLock.acquire(config.journalDirectory().get(), JOURNAL_LOCK_FILE,
            "pipeline writing this journal") : null;
        final List<OutputSink> sinkList = new ArrayList<>();
        Journal opened = null;
        try
        {
            digest = config.outputDigest() ? new OutputDigest() : null;
            if (digest != null)
            {
                sinkList.add(digest);
            }
            if (config.jsonLinesFile().isPresent())
            {
                sinkList.add(new JsonLinesSink(config.jsonLinesFile().get(), registry, derivedNames(manifest), manifest,
                    config.outputIncludeRestricted()));
            }
            sinkList.addAll(extraSinks);
            sinkList.add(subscribers);
            sinks = sinkList.toArray(new OutputSink[0]);

            opened = ownsJournal ? openJournal(config) : null;
            journal = adoptedJournal != null ? adoptedJournal : opened;

            final OutputFanout fanout = new OutputFanout(sinks, counters, errors);
            final SegmentPlan segmentPlan = new SegmentPlan(manifest);
            segment = new SegmentStage(segmentPlan,
                new InsightWriter(manifestSha256, manifest.manifest().name(), registry.name(),
                    DictionaryDigest.sha256Hex(registry), signerKeyId), fanout,
                manifest.contracts().contains(InsightWriter.SCHEMA_VERSION));
            final IdleStreamEnd idleEnd = new IdleStreamEnd(counters);
            final StreamTable streams = new StreamTable(config.maxSources(),
                () -> new StreamState(manifest.newProgram(), new StreamSegments(segmentPlan)),
                config.streamIdleTimeoutUs(), idleEnd);
            final ManifestStage manifestStage = new ManifestStage(manifest, descriptor, streams, segment, fanout,
                counters);
            final Stage.Merge mergeSpec = manifest.merge();
            final MergeStage merge = mergeSpec != null ?
                new MergeStage(true, mergeSpec.sources(), mergeSpec.windowUs(), mergeSpec.maxLatenessUs(),
                    config.maxSources(), config.streamIdleTimeoutUs(), descriptor.frameCapacity(), manifestStage,
                    counters) :
                new MergeStage(config.enableMerging(), null, config.mergeWindowUs(),
                    Stage.Merge.defaultMaxLatenessUs(config.mergeWindowUs()), config.maxSources(),
                    config.streamIdleTimeoutUs(), descriptor.frameCapacity(), manifestStage, counters);
            idleEnd.merge = merge;
            final ProcessingStage processing = new ProcessingStage(merge, segment, streams, counters, latency,
                ringBuffer, flushOutputWhenIdle ? fanout : null);

            // A Disruptor batch is one journal entry, so bound it by what an entry holds.
            final BatchEventProcessorBuilder processorBuilder = new BatchEventProcessorBuilder()
                .setMaxBatchSize(JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY);
            journalStage = journal == null ? null :
                new JournalStage(journal, ringBuffer, acks.journaledSequence(), acks.listeners(),
                    acks.journalIndexHistory(), counters, latency, errors);
            SequenceBarrier processingBarrier = ringBuffer.newBarrier();
            EventHandler<FrameSlot> lastHandler = processing;
            if (journalStage != null && config.journalThread() == JournalThread.PRODUCER)
            {
                journalStage.onStart(); // the Chronicle appender itself is made by the producer's first append
                inlineJournal = journalStage;
            }
            else if (journalStage != null && config.journalThread() == JournalThread.SEPARATE)
            {
                final BatchEventProcessor<FrameSlot> journalProcessor =
                    processorBuilder.build(ringBuffer, ringBuffer.newBarrier(), journalStage);
                journalProcessor.setExceptionHandler(errors);
                processors.add(journalProcessor);
                processingBarrier = ringBuffer.newBarrier(journalProcessor.getSequence());
            }
            else if (journalStage != null)
            {
                lastHandler = new JournalingProcessingStage(ringBuffer, journalStage, processing, errors);
            }
            lastProcessor = processorBuilder.build(ringBuffer, processingBarrier, lastHandler);
            lastProcessor.setExceptionHandler(errors);
            processors.add(lastProcessor);
            ringBuffer.addGatingSequences(lastProcessor.getSequence());

            if (journal != null && config.journalPretouch())
            {
                pretoucher = journal.appender().pretoucher(JournalPretouchAgent.DEFAULT_AHEAD_BYTES);
                pretoucher.onDisabled(why -> counters.incrementShared(PipelineCounter.JOURNAL_PRETOUCH_DISABLED));
            }
            else
            {
                pretoucher = null;
            }
        }
        catch (final RuntimeException | Error ex)
        {
            closeAfterFailedBuild(sinkList, opened, ex);
            throw ex;
        }
    }

    /**
     * Starts the journal thread (if separate), the pretoucher (if any) and the processing thread, in that order. If
     * one fails to start (a thread factory that throws, or hands out a thread already started), stops those already
     * started and closes the sinks and the journal before rethrowing: the pipeline is not built, so nobody else could.
     */
    void start()
    {
        try
        {
            startThreads();
        }
        catch (final RuntimeException | Error ex)
        {
            try
            {
                stopAfterFailedStart();
            }
            catch (final RuntimeException | Error cleanup)
            {
                ex.addSuppressed(cleanup);
            }
            throw ex;
        }
    }

    private void stopAfterFailedStart()
    {
        for (final BatchEventProcessor<FrameSlot> processor : processors)
        {
            processor.halt();
        }
        final long deadline = System.nanoTime() +
            TimeUnit.MILLISECONDS.toNanos(TelemetryPipeline.DEFAULT_CLOSE_TIMEOUT_MS);
        if (pretouchRunner != null)
        {
            pretouchRunner.close(Math.max(0, deadline - System.nanoTime()));
        }
        threads.joinOrAbandon(deadline, TimeUnit.MILLISECONDS.toNanos(TelemetryPipeline.ABANDON_GRACE_MS));
        RuntimeException failure = null;
        for (final OutputSink sink : sinks)
        {
            try
            {
                sink.close();
            }
            catch (final RuntimeException ex)
            {
                failure = failure == null ? ex : failure; // close the others, the journal and the ring all the same
            }
        }
        closeOwnJournal();
        ring.close();
        if (failure != null)
        {
            throw failure;
        }
    }

    private void startThreads()
    {
        if (processors.size() > 1)
        {
            threads.start("journal", processors.get(0));
        }
        if (pretoucher != null)
        {
            pretouchRunner = BoundedAgentRunner.start(pretoucher, JournalPretouchAgent.idleStrategy(),
                error -> errors.onError("pretouch", error), threads.named("pretouch"));
        }
        processingThread = threads.start("process", lastProcessor);
    }

    /**
     * Drains and stops: see {@link TelemetryPipeline#close(long)}, whose contract this is. The publisher must
     * already refuse new claims.
     */
    void close(final long timeoutNs, final RingPublisher publisher, final Runnable beforeJournalCloses)
    {
        if (journalStage != null)
        {
            journalStage.stopWaiting(); // a stage waiting for disk space would never drain: drop what it holds
        }
        final long deadline = System.nanoTime() + timeoutNs;
        final long end = publisher.publishEndOfStream(deadline, processingThread);
        final Sequence processed = lastProcessor.getSequence();
        // Wait on the thread, not isRunning(): a processor whose thread has not reached run() yet is not running.
        while (end >= 0 && processed.get() < end && processingThread.isAlive() && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(100_000);
        }
        // From here no stage takes a slot: a claim still open is lost, and its commit must say so.
        publisher.stopTakingClaims();
        for (final BatchEventProcessor<FrameSlot> processor : processors)
        {
            processor.halt();
        }
        if (pretouchRunner != null)
        {
            pretouchRunner.close(Math.max(0, deadline - System.nanoTime())); // past the deadline: abandoned below
        }
        final List<Thread> abandoned = threads.joinOrAbandon(deadline,
            TimeUnit.MILLISECONDS.toNanos(TelemetryPipeline.ABANDON_GRACE_MS));
        if (end >= 0 && processed.get() >= end && abandoned.isEmpty())
        {
            journalDrained();
        }
        RuntimeException failure = null;
        try
        {
            beforeJournalCloses.run(); // also when stages were abandoned: the journal stays open for them anyway
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
        }
        // Everything claimed after the last processed slot, less the end-of-stream slot itself: the claimed sequence,
        // not the cursor, which with one producer leaves out the claims still open (never to be committed now).
        final long unprocessed = Math.max(0, publisher.highestClaimed() - processed.get() - (end >= 0 ? 1 : 0));
        counters.add(PipelineCounter.DROPPED_UNPROCESSED_AT_CLOSE, unprocessed);
        if (!abandoned.isEmpty())
        {
            counters.add(PipelineCounter.STAGE_THREADS_ABANDONED, abandoned.size());
            throw new IllegalStateException("pipeline " + pipelineName + ": close() abandoned " + abandoned.size() +
                " stage thread(s) still running after its deadline " + PipelineThreads.names(abandoned) + "; " +
                unprocessed + " published frame(s) were not processed; sinks, journal and ring left open for them");
        }
        for (final OutputSink sink : sinks)
        {
            try
            {
                sink.close();
            }
            catch (final RuntimeException ex)
            {
                failure = failure == null ? ex : failure;
            }
        }
        closeOwnJournal();
        ring.close();
        if (failure != null)
        {
            throw failure;
        }
    }

    /**
     * Records in the journal that this run drained ({@link PipelineDrainedEntry}), after every entry it processed:
     * its stages have stopped, so nothing is journaled after it. Not when the journal failed (it takes nothing
     * more), nor for a pipeline that journaled no ManifestLoaded (its start was refused: it writes nothing). A marker
     * that cannot be written is a stage error, counted and reported: a replay then takes the run for one that was not
     * drained, and leaves out the summaries this drain emitted.
     */
    private void journalDrained()
    {
        if (!runJournaled || journalFailure() != null)
        {
            return;
        }
        try
        {
            PipelineDrainedEntry.append(journal, TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()));
        }
        catch (final RuntimeException ex)
        {
            drainUnrecorded = ex;
            errors.onError("journal", ex);
        }
    }

    /** Why this run's {@code PipelineDrained} entry could not be journaled at its drain, or null. */
    Throwable drainUnrecorded()
    {
        return drainUnrecorded;
    }

    /** Opens {@code journal.directory} (under {@link #journalLock}). */
    private static Journal openJournal(final PipelineConfig config)
    {
        return Journal.open(JournalConfig.of(config.journalDirectory().get()).withRollCycle(config.rollCycle())
            .withMinFreeBytes(config.journalMinFreeBytes()));
    }

    /**
     * The graph is not built ({@code failure}): closes what it opened, since nobody else could, the sinks made so
     * far, the journal it opened ({@code opened}, or null) and then {@code pipeline.lock}, so that a later build()
     * in this process may write the journal. Before, a failure after the lock was taken kept it until exit.
     */
    private void closeAfterFailedBuild(final List<OutputSink> sinksMade, final Journal opened,
        final Throwable failure)
    {
        for (final OutputSink sink : sinksMade)
        {
            try
            {
                sink.close();
            }
            catch (final RuntimeException ex)
            {
                failure.addSuppressed(ex);
            }
        }
        try
        {
            if (opened != null)
            {
                opened.close();
            }
        }
        catch (final RuntimeException ex)
        {
            failure.addSuppressed(ex);
        }
        finally
        {
            if (journalLock != null)
            {
                journalLock.close();
            }
        }
    }

    /** Closes the journal this graph opened, if it did, and then lets another pipeline write its directory. */
    private void closeOwnJournal()
    {
        if (ownsJournal)
        {
            try
            {
                journal.close();
            }
            finally
            {
                journalLock.close();
            }
        }
    }

    /** This pipeline's {@code ManifestLoaded} entry is journaled: its close, if it drains, ends the run it opened. */
    void runJournaled()
    {
        runJournaled = true;
    }

    /** The journal stage the producer must run inside each publish ({@link JournalThread#PRODUCER}), or null. */
    JournalStage inlineJournal()
    {
        return inlineJournal;
    }

    /** The journal, or null. */
    Journal journal()
    {
        return journal;
    }

    /**
     * Why the journal stage stopped for good, or null (also without a journal): its own failure, or the pretoucher's
     * finding that the cycle file was cut short under the writer, which fails the journal before any write reaches
     * the part cut off (an idle gateway has no write to fail at).
     */
    Throwable journalFailure()
    {
        final Throwable failed = journalStage == null ? null : journalStage.failure();
        if (failed != null || pretoucher == null)
        {
            return failed;
        }
        final String cut = pretoucher.cutUnderWriter();
        if (cut == null)
        {
            return null;
        }
        Throwable found = cutUnderWriter;
        if (found == null)
        {
            found = new JournalDamagedException(cut);
            cutUnderWriter = found;
        }
        return found;
    }

    /** True while the journal stage waits for disk space. */
    boolean isJournalWaitingForSpace()
    {
        return journalStage != null && journalStage.isWaitingForSpace();
    }

    /** {@link SegmentStage#widestInsightLength()}. */
    int widestInsightLength()
    {
        return segment.widestInsightLength();
    }

    /** The output digest in hex once the sinks are closed; null before, or when {@code output.digest} is off. */
    String outputDigestHex()
    {
        return digest == null ? null : digest.hex();
    }

    /**
     * The stream table's idle end of a stream, told before the stream leaves the table: the merge stage emits the
     * windows it holds for the stream's session into it, and the end is counted.
     */
    private static final class IdleStreamEnd implements Consumer<StreamState>
    {
        private final PipelineCounters counters;
        /** Set once built: the merge stage needs the table (through the manifest stage) and so comes after it. */
        private MergeStage merge;

        IdleStreamEnd(final PipelineCounters counters)
        {
            this.counters = counters;
        }

        @Override
        public void accept(final StreamState stream)
        {
            counters.increment(PipelineCounter.STREAMS_ENDED_IDLE);
            merge.onStreamEndedIdle(stream.sessionMsb, stream.sessionLsb, stream.sourceId);
        }
    }

    /** The names of the manifest's derived channels by parameter id, for the JSON-lines sink. */
    private static FrameJsonEncoder.ChannelNames derivedNames(final CompiledManifest manifest)
    {
        final String[] names = new String[manifest.derivedChannels().size()];
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            names[channel.index()] = channel.name();
        }
        return parameterId ->
        {
            final int index = parameterId - DerivedChannel.ID_BASE;
            return index >= 0 && index < names.length ? names[index] : null;
        };
    }
}
