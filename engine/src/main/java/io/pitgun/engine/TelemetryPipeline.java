package io.pitgun.engine;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.dsl.ProducerType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameFlyweight;
import io.pitgun.codecs.frame.FrameStructure;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalEntryDescriptor;
import io.pitgun.journal.JournalPretoucher;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.manifest.Stage;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * An in-process Pitgun pipeline: a Disruptor ring of off-heap slots ({@link SlotRing}) and its stages wired as a
 * dependency graph —
 *
 * <pre>
 *   producers ──claim/encode/publish──▶ ring ──▶ journal stage ──▶ processing stage
 *   (FrameWriter, SlotClaim, publish)          (Chronicle append,   (merge → manifest → segment → sinks:
 *                                               journaled seq)       digest, JSON lines, subscribers)
 * </pre>
 *
 * The processing stage depends on the journal stage, so every frame it sees carries its journal position (insight
 * provenance) and nothing reaches a subscriber before it is journaled. The journal writes one entry per Disruptor
 * batch (up to 64 frames). By default both stages run on one consumer thread that journals a batch, then processes
 * it ({@link JournalingProcessingStage}); {@link PipelineConfig#separateJournalThread()} gives the journal its own
 * thread. Without a journal directory the journal stage is left out. Build one with {@link #builder()};
 * {@link #close()} drains the ring, flushes every sink and the journal and joins every thread it started.
 *
 * <p>Thread-safety: publishing methods may be called from any number of threads with {@link ProducerMode#MULTI}
 * (from one thread only with {@link ProducerMode#SINGLE}); {@link FrameWriter} and {@link SlotClaim} instances
 * belong to one thread each. Counters, latency snapshots and the journaled sequence may be read from any thread.
 */
public final class TelemetryPipeline implements AutoCloseable
{
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** How long {@link #close()} waits for the stages to drain the ring before it abandons them. */
    public static final long DEFAULT_CLOSE_TIMEOUT_MS = 30_000;
    /** How long close() waits for a stage thread it interrupted after the deadline. */
    static final long ABANDON_GRACE_MS = 200;
    /** 8 MiB: ~10 ms of journal at the rates a 2-core machine reaches, several times one populate step. */
    private static final long PRETOUCH_AHEAD_BYTES = 8L << 20;

    private final String name;
    private final PipelineConfig config;
    private final ParameterRegistry registry;
    private final CompiledManifest manifest;
    private final String manifestSha256;
    private final SlotRing ring;
    private final RingBuffer<FrameSlot> ringBuffer;
    private final SlotDescriptor descriptor;
    private final PipelineCounters counters = new PipelineCounters();
    private final PipelineLatency latency = new PipelineLatency();
    private final Sequence journaledSequence = new Sequence(-1);
    private final StageErrors errors;
    private final PipelineThreads threads;
    private final Journal journal;
    private JournalPretoucher pretoucher;
    private final JournalStage journalStage;
    private final boolean ownsJournal;
    private final List<BatchEventProcessor<FrameSlot>> processors = new ArrayList<>();
    private final BatchEventProcessor<FrameSlot> lastProcessor;
    private final Thread processingThread;
    private final OutputSink[] sinks;
    private final OutputDigest digest;
    private final SubscriberFanout subscribers;
    private final byte[] valueTypeById = new byte[65_536];
    private final double[] minById = new double[65_536];
    private final double[] maxById = new double[65_536];
    private final String[] derivedNames;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ClaimedSequence claimed;
    private final JournalIndexLookup journalIndexLookup;

    private TelemetryPipeline(final Builder builder)
    {
        this.config = builder.config;
        this.registry = builder.registry;
        this.manifest = builder.manifest;
        this.name = builder.name != null ? builder.name : "p" + INSTANCES.incrementAndGet();
        this.manifestSha256 = sha256(manifest.manifest().document().text());
        this.errors = new StageErrors(counters, builder.errorHandler);
        this.threads = new PipelineThreads(name, builder.threadFactory);
        Arrays.fill(valueTypeById, (byte)-1);
        for (final ParameterDefinition parameter : registry.parameters())
        {
            valueTypeById[parameter.id()] = (byte)parameter.dataType().valueType().value();
            minById[parameter.id()] = parameter.min();
            maxById[parameter.id()] = parameter.max();
        }
        derivedNames = new String[manifest.derivedChannels().size()];
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            derivedNames[channel.index()] = channel.name();
        }

        descriptor = new SlotDescriptor(config.maxFrameBytes(), manifest.derivedChannels().size());
        ring = new SlotRing(config.channelCapacity(), descriptor,
            config.producerMode() == ProducerMode.SINGLE ? ProducerType.SINGLE : ProducerType.MULTI,
            config.waitStrategy().newWaitStrategy());
        ringBuffer = ring.ringBuffer();
        claimed = new ClaimedSequence(ringBuffer, config.producerMode() == ProducerMode.SINGLE);
        journalIndexLookup = new JournalIndexLookup(ringBuffer, journaledSequence, claimed);

        final List<OutputSink> sinkList = new ArrayList<>();
        digest = config.outputDigest() ? new OutputDigest() : null;
        if (digest != null)
        {
            sinkList.add(digest);
        }
        if (config.jsonLinesFile().isPresent())
        {
            sinkList.add(new JsonLinesSink(config.jsonLinesFile().get(), registry, this::derivedName));
        }
        subscribers = new SubscriberFanout(subscriberBufferBytes(config));
        sinkList.add(subscribers);
        sinks = sinkList.toArray(new OutputSink[0]);

        if (builder.journal != null)
        {
            journal = builder.journal;
            ownsJournal = false;
        }
        else if (config.journalDirectory().isPresent())
        {
            journal = Journal.open(JournalConfig.of(config.journalDirectory().get()).withRollCycle(config.rollCycle())
                .withMinFreeBytes(config.journalMinFreeBytes()));
            ownsJournal = true;
        }
        else
        {
            journal = null;
            ownsJournal = false;
        }

        final OutputFanout fanout = new OutputFanout(sinks, counters, errors);
        final SegmentPlan segmentPlan = new SegmentPlan(manifest);
        final SegmentStage segment = new SegmentStage(segmentPlan,
            new InsightWriter(manifestSha256, manifest.manifest().name(), registry.name()), fanout,
            manifest.contracts().contains(InsightWriter.SCHEMA_VERSION));
        final StreamTable streams = new StreamTable(config.maxSources(),
            () -> new StreamState(manifest.newProgram(), new StreamSegments(segmentPlan)));
        final ManifestStage manifestStage = new ManifestStage(manifest, descriptor, streams, segment, fanout, counters);
        final Stage.Merge mergeSpec = manifest.merge();
        final MergeStage merge = mergeSpec != null ?
            new MergeStage(true, mergeSpec.sources(), mergeSpec.windowUs(), mergeSpec.maxLatenessUs(),
                config.maxSources(), descriptor.frameCapacity(), manifestStage, counters) :
            new MergeStage(config.enableMerging(), null, config.mergeWindowUs(),
                Stage.Merge.defaultMaxLatenessUs(config.mergeWindowUs()), config.maxSources(),
                descriptor.frameCapacity(), manifestStage, counters);
        final ProcessingStage processing = new ProcessingStage(merge, segment, streams, counters, latency, ringBuffer);

        // A Disruptor batch is one journal entry, so bound it by what an entry holds.
        final BatchEventProcessorBuilder processorBuilder = new BatchEventProcessorBuilder()
            .setMaxBatchSize(JournalEntryDescriptor.MAX_MESSAGES_PER_ENTRY);
        journalStage = journal == null ? null :
            new JournalStage(journal, ringBuffer, journaledSequence, counters, latency, errors);
        SequenceBarrier processingBarrier = ringBuffer.newBarrier();
        EventHandler<FrameSlot> lastHandler = processing;
        if (journalStage != null && config.separateJournalThread())
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

        if (processors.size() > 1)
        {
            threads.start("journal", processors.get(0));
        }
        if (journal != null && config.journalPretouch())
        {
            pretoucher = journal.appender().pretoucher(PRETOUCH_AHEAD_BYTES);
            pretoucher.onDisabled(why -> counters.incrementShared(PipelineCounter.JOURNAL_PRETOUCH_DISABLED));
            threads.start("pretouch", pretoucher);
        }
        processingThread = threads.start("process", lastProcessor);
    }

    /** A builder; the dictionary defaults to {@code sim.v1}, the configuration to {@link PipelineConfig#defaults()}. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** A writer of frames for one (session, producer, source); one per producing thread. */
    public FrameWriter newFrameWriter(final UUID sessionId, final UUID producerId, final int sourceId)
    {
        return new FrameWriter(this, sessionId, producerId, sourceId, valueTypeById, minById, maxById);
    }

    /** A reusable claim for encoding a message straight into a slot; one per producing thread. */
    public SlotClaim newSlotClaim()
    {
        return new SlotClaim(this);
    }

    /**
     * Publishes one pre-encoded SBE message (header included), copying it into a slot; waits while the ring is full.
     *
     * @return its ring sequence.
     * @throws FrameRejectedException if it is larger than a slot or not a well-formed Pitgun message.
     */
    public long publish(final DirectBuffer buffer, final int offset, final int length)
    {
        return publish(buffer, offset, length, true);
    }

    /**
     * Like {@link #publish} but returns {@code -1} at once (counted as {@code DROPPED_RING_FULL}) when the ring is
     * full: the caller answers with back-pressure (HTTP 429/503, a WebSocket nack).
     */
    public long tryPublish(final DirectBuffer buffer, final int offset, final int length)
    {
        return publish(buffer, offset, length, false);
    }

    private long publish(final DirectBuffer buffer, final int offset, final int length, final boolean wait)
    {
        checkMessage(buffer, offset, length, false);
        final long position = claim(wait);
        if (position < 0)
        {
            return -1;
        }
        final FrameSlot slot = slot(position);
        publishReady(position, slot,
            FrameFlyweight.copyNormalised(buffer, offset, length, slot.buffer(), SlotDescriptor.FRAME_OFFSET));
        return position;
    }

    /**
     * Publishes {@code count} pre-encoded SBE messages all-or-nothing, in order, into consecutive slots: message
     * {@code i} is {@code buffer[offsets[from + i], offsets[from + i] + lengths[from + i])}. Returns {@code -1} at
     * once, publishing nothing (counted as {@code count} {@code DROPPED_RING_FULL}), when the ring lacks
     * {@code count} free slots; the caller answers with back-pressure. The check and the claim are one atomic step,
     * so it never waits, whatever other producers do.
     *
     * @return the ring sequence of the last message; message {@code i} is at that sequence {@code - (count - 1 - i)}.
     * @throws FrameRejectedException   if any message is larger than a slot or not a well-formed Pitgun message
     *                                  (nothing is published; the message names which one).
     * @throws IllegalArgumentException if {@code count} is not in {@code [1, channel_capacity]}.
     */
    public long tryPublishBatch(final DirectBuffer buffer, final int[] offsets, final int[] lengths, final int from,
        final int count)
    {
        return tryPublishBatch(buffer, offsets, lengths, from, count, 0, 0, 0, 0, 0);
    }

    /**
     * {@link #tryPublishBatch(DirectBuffer, int[], int[], int, int)} for frames of one envelope, stamping each slot
     * with the envelope's identity so that the journal records it ({@code JournalEntryDescriptor}, "Event
     * identity"): message {@code i} of the batch is frame {@code firstOrdinal + i} of {@code frameCount}.
     *
     * @param eventIdMsb    the envelope's {@code event_id}, most significant bits.
     * @param eventIdLsb    the envelope's {@code event_id}, least significant bits.
     * @param contentDigest a digest of the whole envelope's content (a retry with other content is a conflict).
     * @param firstOrdinal  the ordinal, in the envelope, of the batch's first message.
     * @param frameCount    the envelope's frames; 0 means "no event" (then the other identity fields must be 0).
     */
    public long tryPublishBatch(final DirectBuffer buffer, final int[] offsets, final int[] lengths, final int from,
        final int count, final long eventIdMsb, final long eventIdLsb, final long contentDigest,
        final int firstOrdinal, final int frameCount)
    {
        return publishBatch(buffer, offsets, lengths, from, count, eventIdMsb, eventIdLsb, contentDigest,
            firstOrdinal, frameCount, false);
    }

    /**
     * {@link #tryPublishBatch(DirectBuffer, int[], int[], int, int, long, long, long, int, int)} for messages the
     * caller has already validated: each passed {@code FrameValidator} (the gateway's binary path) or was written by
     * {@code EnvelopeDecoder}, whose output meets the same rule by construction (the JSON path). The pipeline then
     * checks only that each message fits a slot, so a frame is validated once on its way from a producer to the
     * manifest rather than once by the gateway and again here. Bytes that did not pass the rule must never come
     * this way (a slot, and so the journal, would hold a message its readers cannot read): every other producer
     * uses {@link #tryPublishBatch}, {@link #tryPublish} or a {@link SlotClaim}, which validate.
     */
    public long tryPublishValidatedBatch(final DirectBuffer buffer, final int[] offsets, final int[] lengths,
        final int from, final int count, final long eventIdMsb, final long eventIdLsb, final long contentDigest,
        final int firstOrdinal, final int frameCount)
    {
        return publishBatch(buffer, offsets, lengths, from, count, eventIdMsb, eventIdLsb, contentDigest,
            firstOrdinal, frameCount, true);
    }

    private long publishBatch(final DirectBuffer buffer, final int[] offsets, final int[] lengths, final int from,
        final int count, final long eventIdMsb, final long eventIdLsb, final long contentDigest,
        final int firstOrdinal, final int frameCount, final boolean validated)
    {
        if (count < 1 || count > config.channelCapacity())
        {
            throw new IllegalArgumentException("count: " + count + " is not in [1, " + config.channelCapacity() +
                "] (channel_capacity)");
        }
        for (int i = 0; i < count; i++)
        {
            try
            {
                checkMessage(buffer, offsets[from + i], lengths[from + i], validated);
            }
            catch (final FrameRejectedException ex)
            {
                throw new FrameRejectedException(ex.reason(), "message " + i + " of the batch: " + ex.getMessage());
            }
        }
        if (closed.get())
        {
            throw new IllegalStateException("pipeline " + name + " is closed");
        }
        final long last;
        try
        {
            // Never next(count): when another producer takes the slots first it would wait, on an event loop.
            last = ringBuffer.tryNext(count);
        }
        catch (final InsufficientCapacityException ex)
        {
            for (int i = 0; i < count; i++)
            {
                count(PipelineCounter.DROPPED_RING_FULL);
            }
            return -1;
        }
        claimed.onClaimed(last);
        final long first = last - count + 1;
        for (int i = 0; i < count; i++)
        {
            final FrameSlot slot = ringBuffer.get(first + i);
            slot.reset(SlotDescriptor.STATUS_READY);
            if (frameCount > 0)
            {
                slot.eventIdentity(eventIdMsb, eventIdLsb, contentDigest, firstOrdinal + i, frameCount);
            }
            slot.frameLength(FrameFlyweight.copyNormalised(buffer, offsets[from + i], lengths[from + i],
                slot.buffer(), SlotDescriptor.FRAME_OFFSET));
            slot.ingestTimeNs(System.nanoTime());
            countAccepted();
        }
        ringBuffer.publish(first, last);
        return last;
    }

    /**
     * The journal position ({@code io.pitgun.journal.JournalEntryDescriptor#position}: entry index and ordinal) of
     * the message published at ring sequence {@code position}, or {@code -1} if it is not journaled yet, the
     * pipeline has no journal, or its slot has since been reused (more than {@code channel_capacity} later
     * messages were claimed). Any thread; no allocation.
     */
    public long journalIndexOf(final long position)
    {
        return journalIndexLookup.journalIndexOf(position);
    }

    /** Free slots in the ring now: a snapshot, since producers and stages move it concurrently. */
    public int remainingCapacity()
    {
        return (int)ringBuffer.remainingCapacity();
    }

    /** Publishes a message read from a journal, keeping its journal index (replays). */
    long publishReplayed(final DirectBuffer buffer, final int offset, final int length, final long journalIndex)
    {
        checkMessage(buffer, offset, length, false);
        final long position = claim(true);
        final FrameSlot slot = slot(position);
        slot.status(SlotDescriptor.STATUS_READY | SlotDescriptor.FLAG_REPLAYED);
        slot.journalIndex(journalIndex);
        slot.frameLength(
            FrameFlyweight.copyNormalised(buffer, offset, length, slot.buffer(), SlotDescriptor.FRAME_OFFSET));
        slot.ingestTimeNs(System.nanoTime());
        countAccepted();
        ringBuffer.publish(position);
        return position;
    }

    // The one structure check of a message on its way into a slot, unless its producer validated it already.
    private void checkMessage(final DirectBuffer buffer, final int offset, final int length, final boolean validated)
    {
        if (length > descriptor.frameCapacity())
        {
            count(PipelineCounter.DROPPED_FRAME_TOO_LARGE);
            throw new FrameRejectedException(PipelineCounter.DROPPED_FRAME_TOO_LARGE, "message of " + length +
                " bytes refused: a slot holds " + descriptor.frameCapacity() + " bytes (max_frame_bytes " +
                config.maxFrameBytes() + "); it was not truncated");
        }
        if (!validated && !FrameStructure.isReadable(FrameStructure.checkExactly(buffer, offset, length)))
        {
            count(PipelineCounter.DROPPED_UNDECODABLE);
            throw new FrameRejectedException(PipelineCounter.DROPPED_UNDECODABLE, "message of " + length +
                " bytes refused: not a well-formed message of the Pitgun SBE schema");
        }
    }

    /**
     * Subscribes to derived frames and insights, read from a buffer of {@code subscriber_buffer_bytes} shared by
     * all subscribers (written once per output, whatever their number); a subscriber that falls more than the
     * buffer behind is dropped (see {@link Subscription}).
     */
    public Subscription subscribe(final String subscriberName)
    {
        return subscribe(subscriberName, false);
    }

    /**
     * Like {@link #subscribe}, for insights alone: derived frames are not queued for it, so a consumer of lap and
     * session summaries (a run registry) cannot be dropped for falling behind the frame rate, only for letting
     * {@code subscriber_buffer_bytes} of insights pile up.
     */
    public Subscription subscribeToInsights(final String subscriberName)
    {
        return subscribe(subscriberName, true);
    }

    private Subscription subscribe(final String subscriberName, final boolean insightsOnly)
    {
        final Subscription subscription = new Subscription(subscriberName, this, counters,
            subscribers.stream(insightsOnly), insightsOnly);
        subscribers.add(subscription);
        return subscription;
    }

    // The shared broadcast buffer of a stream: subscriber_buffer_bytes, and at least large enough to carry the
    // largest frame (a broadcast record is at most an eighth of the buffer).
    private static int subscriberBufferBytes(final PipelineConfig config)
    {
        final int forFrames = Integer.highestOneBit(Math.max(1, config.maxFrameBytes() * 8 - 1)) << 1;
        return Math.max(config.subscriberBufferBytes(), forFrames);
    }

    SubscriberFanout subscriberFanout()
    {
        return subscribers;
    }

    void unsubscribe(final Subscription subscription)
    {
        subscribers.remove(subscription);
    }

    /** The highest ring sequence that is journaled (every lower one is too), or -1. Acquire read. */
    public long journaledSequence()
    {
        return journaledSequence.get();
    }

    /** True when the frame at ring sequence {@code position} is in the journal. */
    public boolean isJournaled(final long position)
    {
        return journaledSequence.get() >= position;
    }

    /**
     * Whether a producer may acknowledge the frame at {@code position} under the configured {@link AckMode}: in
     * {@code journaled} mode once it is journaled, in {@code accepted} mode as soon as it was published.
     */
    public boolean isAcknowledged(final long position)
    {
        return config.ackMode() == AckMode.ACCEPTED ? position <= ringBuffer.getCursor() : isJournaled(position);
    }

    /**
     * Waits (spinning, then yielding, then parking) until the frame at {@code position} is journaled.
     *
     * @return false if {@code timeoutNs} passed first, or the pipeline has no journal.
     */
    public boolean awaitJournaled(final long position, final long timeoutNs)
    {
        if (journal == null)
        {
            return false;
        }
        final long deadline = System.nanoTime() + timeoutNs;
        int idle = 0;
        while (journaledSequence.get() < position)
        {
            if (System.nanoTime() - deadline > 0)
            {
                return false;
            }
            if (idle < 100)
            {
                Thread.onSpinWait();
            }
            else if (idle < 200)
            {
                Thread.yield();
            }
            else
            {
                LockSupport.parkNanos(10_000);
            }
            idle++;
        }
        return true;
    }

    /** The counters, readable from any thread. */
    public PipelineCounters counters()
    {
        return counters;
    }

    /** The latency recorders, readable from any thread. */
    public PipelineLatency latency()
    {
        return latency;
    }

    /** The configuration. */
    public PipelineConfig config()
    {
        return config;
    }

    /** The dictionary. */
    public ParameterRegistry dictionary()
    {
        return registry;
    }

    /** The manifest. */
    public CompiledManifest manifest()
    {
        return manifest;
    }

    /** SHA-256 of the manifest's source text, lower-case hex (insight provenance). */
    public String manifestSha256()
    {
        return manifestSha256;
    }

    /** The slot layout. */
    public SlotDescriptor slotDescriptor()
    {
        return descriptor;
    }

    /** The journal, when the pipeline has one. */
    public Optional<Journal> journal()
    {
        return Optional.ofNullable(journal);
    }

    /** The SHA-256 of the derived output stream (see {@code output.digest}), available after {@link #close()}. */
    public Optional<String> outputDigest()
    {
        return digest == null ? Optional.empty() : Optional.ofNullable(digest.hex());
    }

    /**
     * Why the journal stage stopped journaling for good (nothing after it is journaled or acknowledged), if it did;
     * empty without a journal. Any thread.
     */
    public Optional<Throwable> journalFailure()
    {
        return journalStage == null ? Optional.empty() : Optional.ofNullable(journalStage.failure());
    }

    /**
     * True while the journal stage holds frames back because the journal's file system is below its free-space
     * headroom ({@code io.pitgun.journal.JournalSpaceGuard}); it resumes by itself once space returns. Any thread.
     */
    public boolean isJournalWaitingForSpace()
    {
        return journalStage != null && journalStage.isWaitingForSpace();
    }

    /** The first exception a stage caught, if any. */
    public Optional<Throwable> firstError()
    {
        return Optional.ofNullable(errors.first());
    }

    /** The threads this pipeline started (all named {@code pitgun-<name>-<stage>}). */
    public List<Thread> threads()
    {
        return threads.threads();
    }

    /** The name of a derived channel's parameter id, or null. */
    String derivedName(final int parameterId)
    {
        final int index = parameterId - DerivedChannel.ID_BASE;
        return index >= 0 && index < derivedNames.length ? derivedNames[index] : null;
    }

    long claim(final boolean wait)
    {
        if (closed.get())
        {
            throw new IllegalStateException("pipeline " + name + " is closed");
        }
        final long position;
        if (wait)
        {
            position = ringBuffer.next();
        }
        else
        {
            try
            {
                // One atomic claim-if-free: a capacity check then next() would wait (park an event loop) whenever
                // another producer took the last slot in between. The exception is the Disruptor's preallocated
                // singleton without a stack trace: no allocation.
                position = ringBuffer.tryNext();
            }
            catch (final InsufficientCapacityException ex)
            {
                count(PipelineCounter.DROPPED_RING_FULL);
                return -1;
            }
        }
        claimed.onClaimed(position);
        final FrameSlot slot = ringBuffer.get(position);
        slot.reset(SlotDescriptor.STATUS_READY);
        return position;
    }

    FrameSlot slot(final long position)
    {
        return ringBuffer.get(position);
    }

    void publishReady(final long position, final FrameSlot slot, final int length)
    {
        slot.frameLength(length);
        slot.ingestTimeNs(System.nanoTime());
        countAccepted();
        ringBuffer.publish(position);
    }

    void publishRejected(final long position)
    {
        ringBuffer.get(position).status(SlotDescriptor.STATUS_REJECTED);
        ringBuffer.publish(position);
    }

    void count(final PipelineCounter counter)
    {
        counters.incrementShared(counter);
    }

    private void countAccepted()
    {
        if (config.producerMode() == ProducerMode.SINGLE)
        {
            counters.increment(PipelineCounter.FRAMES_ACCEPTED);
        }
        else
        {
            counters.incrementShared(PipelineCounter.FRAMES_ACCEPTED);
        }
    }

    /**
     * {@link #close(long)} with {@value #DEFAULT_CLOSE_TIMEOUT_MS} ms to drain.
     */
    @Override
    public void close()
    {
        close(TimeUnit.MILLISECONDS.toNanos(DEFAULT_CLOSE_TIMEOUT_MS));
    }

    /**
     * Drains the ring (everything published so far is journaled and processed; open merge windows, laps and
     * sessions are flushed), closes the sinks (the output digest becomes available), closes the journal it opened
     * and joins every thread it started. Producers must have stopped publishing. Idempotent: a later call returns
     * at once.
     *
     * <p>Bounded: returns within about {@code timeoutNs} plus {@value #ABANDON_GRACE_MS} ms whatever the stages do.
     * A stage thread still running then is interrupted and, if it still does not end, abandoned: counted as
     * {@code STAGE_THREADS_ABANDONED}, every frame it left unprocessed as {@code DROPPED_UNPROCESSED_AT_CLOSE}; the
     * sinks, the journal and the ring are then left open (the abandoned thread may still be using them: closing
     * mapped memory under it could crash the JVM) and this method throws.
     *
     * @throws IllegalStateException naming the abandoned threads, if any; a sink's exception on close otherwise.
     */
    public void close(final long timeoutNs)
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        if (journalStage != null)
        {
            journalStage.stopWaiting(); // a stage waiting for disk space would never drain: drop what it holds
        }
        final long deadline = System.nanoTime() + timeoutNs;
        final long end = claimEndOfStream(deadline);
        final Sequence processed = lastProcessor.getSequence();
        // Wait on the thread, not isRunning(): a processor whose thread has not reached run() yet is not running.
        while (end >= 0 && processed.get() < end && processingThread.isAlive() && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(100_000);
        }
        for (final BatchEventProcessor<FrameSlot> processor : processors)
        {
            processor.halt();
        }
        if (pretoucher != null)
        {
            pretoucher.stop();
        }
        final List<Thread> abandoned = threads.joinOrAbandon(deadline, TimeUnit.MILLISECONDS.toNanos(ABANDON_GRACE_MS));
        // Everything claimed after the last processed slot, less the end-of-stream slot itself.
        final long unprocessed = Math.max(0, ringBuffer.getCursor() - processed.get() - (end >= 0 ? 1 : 0));
        counters.add(PipelineCounter.DROPPED_UNPROCESSED_AT_CLOSE, unprocessed);
        if (!abandoned.isEmpty())
        {
            counters.add(PipelineCounter.STAGE_THREADS_ABANDONED, abandoned.size());
            throw new IllegalStateException("pipeline " + name + ": close() abandoned " + abandoned.size() +
                " stage thread(s) still running after its deadline " + PipelineThreads.names(abandoned) + "; " +
                unprocessed + " published frame(s) were not processed; sinks, journal and ring left open for them");
        }
        RuntimeException failure = null;
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
        if (ownsJournal)
        {
            journal.close();
        }
        ring.close();
        if (failure != null)
        {
            throw failure;
        }
    }

    /**
     * Claims and publishes the end-of-stream slot, waiting for a free slot until {@code deadline} without ever
     * blocking past it (tryNext, not next); -1 when the ring stayed full, so that nothing marks the end.
     */
    private long claimEndOfStream(final long deadline)
    {
        while (true)
        {
            try
            {
                final long end = ringBuffer.tryNext();
                claimed.onClaimed(end);
                final FrameSlot slot = ringBuffer.get(end);
                slot.reset(SlotDescriptor.STATUS_END_OF_STREAM);
                slot.ingestTimeNs(System.nanoTime());
                ringBuffer.publish(end);
                return end;
            }
            catch (final InsufficientCapacityException ex)
            {
                // Cold path: close() only. The stages free slots as they go; a stuck stage never will.
                if (System.nanoTime() - deadline >= 0 || !processingThread.isAlive())
                {
                    return -1;
                }
                LockSupport.parkNanos(100_000);
            }
        }
    }

    private static String sha256(final String text)
    {
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("this JVM has no SHA-256", ex);
        }
    }

    /** Collects the parts of a pipeline; {@link #build()} starts it. */
    public static final class Builder
    {
        private ParameterRegistry registry;
        private CompiledManifest manifest;
        private Path manifestPath;
        private PipelineConfig config = PipelineConfig.defaults();
        private String name;
        private Journal journal;
        private ThreadFactory threadFactory;
        private BiConsumer<String, Throwable> errorHandler = (stage, error) -> System.err.println(
            "pitgun engine: error in " + stage + ": " + error);

        private Builder()
        {
        }

        /** The dictionary (default {@code sim.v1}). */
        public Builder dictionary(final ParameterRegistry registry)
        {
            this.registry = registry;
            return this;
        }

        /** A compiled manifest. */
        public Builder manifest(final CompiledManifest manifest)
        {
            this.manifest = manifest;
            return this;
        }

        /** A manifest file, loaded and compiled against the dictionary at {@link #build()}. */
        public Builder manifest(final Path manifestFile)
        {
            this.manifestPath = manifestFile;
            return this;
        }

        /** The configuration (default {@link PipelineConfig#defaults()}). */
        public Builder config(final PipelineConfig config)
        {
            this.config = config;
            return this;
        }

        /** The name used in thread names ({@code pitgun-<name>-journal}); default {@code p<n>}. */
        public Builder name(final String name)
        {
            this.name = name;
            return this;
        }

        /**
         * An already open journal to append to, instead of opening {@code journal.directory}; the pipeline does
         * not close it.
         */
        public Builder journal(final Journal journal)
        {
            this.journal = journal;
            return this;
        }

        /**
         * Makes the pipeline's threads, e.g. to pin the processing thread to a core of its own with an affinity
         * library; the pipeline then names them {@code pitgun-<name>-<stage>} (stages: {@code process},
         * {@code journal}, {@code pretouch}) and makes them daemons before starting them. Default: plain threads.
         */
        public Builder threadFactory(final ThreadFactory factory)
        {
            this.threadFactory = factory;
            return this;
        }

        /** Receives stage exceptions (stage name, exception); default prints one line to standard error. */
        public Builder errorHandler(final BiConsumer<String, Throwable> handler)
        {
            this.errorHandler = handler;
            return this;
        }

        /**
         * Builds and starts the pipeline.
         *
         * @throws ManifestException if the manifest file does not load or compile.
         * @throws IllegalArgumentException if no manifest was given.
         */
        public TelemetryPipeline build() throws ManifestException
        {
            if (registry == null)
            {
                registry = ParameterRegistry.simV1();
            }
            if (manifest == null)
            {
                if (manifestPath == null)
                {
                    throw new IllegalArgumentException("manifest: a pipeline needs a manifest");
                }
                manifest = ManifestCompiler.compile(ManifestLoader.load(manifestPath), registry);
            }
            return new TelemetryPipeline(this);
        }
    }
}
