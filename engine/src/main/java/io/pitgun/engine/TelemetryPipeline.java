package io.pitgun.engine;

import com.lmax.disruptor.dsl.ProducerType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.dictionary.ParameterTable;
import io.pitgun.engine.tuning.TuningPolicy;
import io.pitgun.journal.Journal;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import io.pitgun.schemas.signing.VerifiedDocument;
import org.agrona.DirectBuffer;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
 * it ({@link JournalingProcessingStage}); {@link PipelineConfig#journalThread()} gives the journal its own
 * thread, or has the single producer journal each frame inside its publish. Without a journal directory the
 * journal stage is left out. Build one with {@link #builder()};
 * {@link #close()} drains the ring, flushes every sink and the journal and joins every thread it started.
 *
 * <p>This class is the facade: it constructs the parts, connects them and exposes them, each part one role —
 * {@code RingPublisher} the producer side (claim, publish, batch publish), {@code StageGraph} the stages, their
 * threads and their orderly stop, {@code AckTracker} the journaled sequence and the acknowledgement wait,
 * {@code SubscriberFanout} the subscriptions, and the codecs' {@code ParameterTable} the dictionary's types and
 * ranges for {@link FrameWriter}.
 *
 * <p>Thread-safety: publishing methods may be called from any number of threads with {@link ProducerMode#MULTI}
 * (from one thread only with {@link ProducerMode#SINGLE}, which {@link #bindProducer()} enforces); {@link FrameWriter}
 * and {@link SlotClaim} instances belong to one thread each; with {@link ProducerMode#SINGLE} that thread publishes its
 * claims in the order it took them, and a publish that claims and publishes in one call is refused while one is open
 * (docs/embedding.md, "Claims publish in claim order"). Counters, latency snapshots and the journaled sequence
 * may be read from any thread.
 */
public final class TelemetryPipeline implements AutoCloseable
{
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** How long {@link #close()} waits for the stages to drain the ring before it abandons them. */
    public static final long DEFAULT_CLOSE_TIMEOUT_MS = 30_000;
    /** How long close() waits for a stage thread it interrupted after the deadline. */
    static final long ABANDON_GRACE_MS = 200;

    private final PipelineConfig config;
    private final ParameterRegistry registry;
    private final ParameterTable parameters;
    private final CompiledManifest manifest;
    private final String manifestSha256;
    private final String signerKeyId;
    private final SlotRing ring;
    private final PipelineCounters counters;
    private final PipelineLatency latency = new PipelineLatency();
    private final StageErrors errors;
    private final PipelineThreads threads;
    private final RingPublisher publisher;
    private final AckTracker acks;
    private final SubscriberFanout subscribers;
    private final StageGraph stages;
    private final TuningPolicy tuningPolicy;
    /** output.parquet, output.questdb, output.postgres: started once the journal holds the provenance entries. */
    private volatile OutputFollowers followers = OutputFollowers.none();

    TelemetryPipeline(final TelemetryPipelineBuilder builder)
    {
        config = builder.config;
        // Before any thread starts: an output that is set but cannot run refuses the pipeline.
        OutputFollowers.providers(config, builder.journal != null || config.journalDirectory().isPresent());
        registry = builder.registry;
        parameters = ParameterTable.of(registry);
        manifest = builder.manifest;
        tuningPolicy = builder.tuningPolicy;
        manifestSha256 = OutputDigest.sha256Hex(manifest.manifest().document().text());
        final String name = builder.name != null ? builder.name : "p" + INSTANCES.incrementAndGet();
        counters = builder.counters != null ? builder.counters : new PipelineCounters();
        errors = new StageErrors(counters, builder.errorHandler);
        threads = new PipelineThreads(name, builder.threadFactory);

        final boolean singleProducer = config.producerMode() == ProducerMode.SINGLE;
        ring = new SlotRing(config.channelCapacity(),
            new SlotDescriptor(config.maxFrameBytes(), manifest.derivedChannels().size()),
            singleProducer ? ProducerType.SINGLE : ProducerType.MULTI, config.waitStrategy().newWaitStrategy());
        final ClaimedSequence claimed = new ClaimedSequence(ring.ringBuffer(), singleProducer);
        publisher = new RingPublisher(name, config, ring, claimed, counters, registry);
        acks = new AckTracker(ring.ringBuffer(), claimed, config.ackMode(),
            builder.journal != null || config.journalDirectory().isPresent());
        subscribers = new SubscriberFanout(config, counters);
        signerKeyId = builder.signerKeyId;
        stages = new StageGraph(name, config, registry, manifest, manifestSha256, signerKeyId, ring, acks,
            subscribers, builder.outputSinks, builder.journal, threads, counters, latency, errors,
            builder.flushOutputWhenIdle);
        publisher.journalOnPublish(stages.inlineJournal()); // before any producer can reach the publisher
        stages.start();
        final Journal journal = stages.journal();
        if (journal != null)
        {
            // Provenance before any frame: no producer has this pipeline yet, so the entries precede every frame
            // derived with this manifest and policy.
            try
            {
                if (builder.journalCheck != null)
                {
                    builder.journalCheck.accept(journal);
                }
                final long loadedUs = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
                ManifestLoadedEntry.append(journal, loadedUs, manifestSha256, manifest.manifest().name(),
                    registry, signerKeyId != null ? signerKeyId : VerifiedDocument.UNSIGNED);
                stages.runJournaled();
                if (tuningPolicy != null)
                {
                    PolicyLoadedEntry.append(journal, loadedUs, tuningPolicy);
                }
                followers = OutputFollowers.start(this, config);
            }
            catch (final RuntimeException | Error ex)
            {
                // Its stages run by now: a failure here (an OutOfMemoryError in the journal check, say) must not
                // leave them running behind a caller that never got the pipeline to close.
                close();
                throw ex;
            }
        }
    }

    /** A builder; the dictionary defaults to {@code sim.v1}, the configuration to {@link PipelineConfig#defaults()}. */
    public static TelemetryPipelineBuilder builder()
    {
        return new TelemetryPipelineBuilder();
    }

    /**
     * A writer of frames for one (session, producer, source); one per producing thread.
     *
     * @throws NullPointerException naming {@code sessionId} or {@code producerId} when it is null.
     * @throws IllegalArgumentException when {@code sourceId} is not in [0, 65535].
     */
    public FrameWriter newFrameWriter(final UUID sessionId, final UUID producerId, final int sourceId)
    {
        return new FrameWriter(publisher, registry, parameters, tuningPolicy == null ? null : tuningPolicy.table(),
            sessionId, producerId, sourceId);
    }

    /**
     * Makes the calling thread the only one that may publish into this {@code producer: single} pipeline: from then
     * on every publish, claim, commit and abort from another thread throws {@link IllegalStateException} before it
     * touches the ring. Unbound, a single-producer ring trusts its caller: the Disruptor's single-producer sequencer
     * claims without an atomic instruction, so a second publishing thread would be handed slots the first one holds,
     * and frames would be lost or overwritten without a word. Call it on the producing thread before its first
     * publish; it binds for the pipeline's life ({@link #close()} still ends the ring from any thread, once the
     * producer has stopped publishing, as for every pipeline). The gateway binds its event loop when that loop is the
     * ring's only producer. Costs each publish one volatile read, a plain load on x86.
     *
     * @throws IllegalStateException with {@code producer: multi}, or when another thread is bound already.
     */
    public void bindProducer()
    {
        publisher.bindProducer();
    }

    /** A reusable claim for encoding a message straight into a slot; one per producing thread. */
    public SlotClaim newSlotClaim()
    {
        return new SlotClaim(publisher);
    }

    /** What a try publish returns when the ring lacks free slots: nothing was published. */
    public static final long RING_FULL = RingPublisher.RING_FULL;
    /** What a try publish returns, with {@code journal.thread: producer}, when the journal could not take it
     *  ({@link #journalFailure()} tells a stopped journal from one short of space): nothing is acknowledged. */
    public static final long JOURNAL_REFUSED = RingPublisher.JOURNAL_REFUSED;

    /**
     * Publishes one pre-encoded SBE message (header included), copying it into a slot; waits while the ring is full.
     *
     * @return its ring sequence.
     * @throws FrameRejectedException if it is larger than a slot or not a well-formed Pitgun message.
     * @throws IllegalStateException  with {@code producer: single}, while this thread holds a {@link FrameWriter}
     *                                 frame or a {@link SlotClaim} not yet committed or aborted (nothing is claimed);
     *                                 once the pipeline is closed; from a thread other than the bound producer.
     */
    public long publish(final DirectBuffer buffer, final int offset, final int length)
    {
        return publisher.publish(buffer, offset, length, true);
    }

    /**
     * Like {@link #publish} but returns {@link #RING_FULL} at once (counted as {@code DROPPED_RING_FULL}) when the
     * ring is full: the caller answers with back-pressure (HTTP 429/503, a WebSocket nack). With
     * {@code journal.thread: producer} it never waits for disk space either: {@link #JOURNAL_REFUSED} when the
     * journal cannot take it. Refused as {@link #publish} is.
     */
    public long tryPublish(final DirectBuffer buffer, final int offset, final int length)
    {
        return publisher.publish(buffer, offset, length, false);
    }

    /**
     * Publishes {@code count} pre-encoded SBE messages all-or-nothing, in order, into consecutive slots: message
     * {@code i} is {@code buffer[offsets[from + i], offsets[from + i] + lengths[from + i])}. Returns
     * {@link #RING_FULL} at once, publishing nothing (counted as {@code count} {@code DROPPED_RING_FULL}), when the
     * ring lacks {@code count} free slots; the caller answers with back-pressure. The check and the claim are one
     * atomic step, so it never waits, whatever other producers do. With {@code journal.thread: producer} (the
     * publishing thread journals) it never waits for disk space either: it returns {@link #JOURNAL_REFUSED},
     * claiming nothing, when the journal's file system is below its headroom ({@code DROPPED_JOURNAL_FULL}) or
     * the journal has stopped ({@code DROPPED_JOURNAL_FAILED}), and also when the journal stopped while writing
     * this batch (then none of it is to be acknowledged).
     *
     * @return the ring sequence of the last message; message {@code i} is at that sequence {@code - (count - 1 - i)}.
     * @throws FrameRejectedException   if any message is larger than a slot or not a well-formed Pitgun message
     *                                  (nothing is published; the message names which one).
     * @throws IllegalArgumentException if {@code count} is not in {@code [1, channel_capacity]}.
     * @throws IllegalStateException    as {@link #publish}: an open claim with {@code producer: single}, a closed
     *                                  pipeline, another thread than the bound producer (nothing is claimed).
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
        return publisher.tryPublishBatch(buffer, offsets, lengths, from, count, eventIdMsb, eventIdLsb,
            contentDigest, firstOrdinal, frameCount);
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
        return publisher.tryPublishValidatedBatch(buffer, offsets, lengths, from, count, eventIdMsb, eventIdLsb,
            contentDigest, firstOrdinal, frameCount);
    }

    /**
     * The journal position ({@code io.pitgun.journal.JournalEntryDescriptor#position}: entry index and ordinal) of
     * the message published at ring sequence {@code position}, or {@code -1} if it is not journaled yet, the
     * pipeline has no journal, or it is older than the pipeline remembers: the slot holds the position until it is
     * reused, then the journal index history holds those of the last 65,536 messages the journal appended, or
     * 16 × {@code channel_capacity} if more (at most 1,048,576; a rejected or replayed message is not among them).
     * Any thread; no allocation.
     */
    public long journalIndexOf(final long position)
    {
        return acks.journalIndexOf(position);
    }

    /**
     * The highest ring sequence a producer has claimed (with several producers) or published (with one), or -1: with
     * {@link #journaledSequence} it tells how many slots the journal stage has yet to take, however they end
     * (journaled, refused, replayed). A snapshot; any thread.
     */
    public long claimedSequence()
    {
        return ring.ringBuffer().getCursor();
    }

    /** Free slots in the ring now: a snapshot, since producers and stages move it concurrently. */
    public int remainingCapacity()
    {
        return (int)ring.ringBuffer().remainingCapacity();
    }

    /**
     * Publishes a message read from a journal, keeping its journal index (replays, exports), as {@link #publish}
     * does otherwise: waits while the ring is full.
     *
     * @throws FrameRejectedException as {@link #publish}.
     * @throws OtherDictionaryException for a {@code ManifestLoaded} naming another dictionary than this pipeline's:
     *                                 the frames after it were written with that one ({@code ReplayedDictionaryCheck}).
     * @throws IllegalStateException  as {@link #publish}.
     */
    public long publishReplayed(final DirectBuffer buffer, final int offset, final int length, final long journalIndex)
    {
        return publisher.publishReplayed(buffer, offset, length, journalIndex);
    }

    /**
     * Subscribes to derived frames and insights, read from a buffer of {@code subscriber_buffer_bytes} shared by
     * all subscribers (written once per output, whatever their number); a subscriber that falls more than the
     * buffer behind is dropped (see {@link Subscription}).
     */
    public Subscription subscribe(final String subscriberName)
    {
        return subscribers.subscribe(subscriberName, false);
    }

    /**
     * Like {@link #subscribe}, for insights alone: derived frames are not queued for it, so a consumer of lap and
     * session summaries (a run registry) cannot be dropped for falling behind the frame rate, only for letting
     * {@code subscriber_buffer_bytes} of insights pile up.
     */
    public Subscription subscribeToInsights(final String subscriberName)
    {
        return subscribers.subscribe(subscriberName, true);
    }

    /**
     * The longest output a subscriber can be sent: an eighth of the subscribers' shared buffer
     * ({@code subscriber_buffer_bytes}, or more: {@link SubscriberFanout#bufferBytes}). A longer one is sent to none
     * ({@link PipelineCounter#OUTPUTS_TOO_LONG}).
     */
    public int maxOutputBytes()
    {
        return subscribers.maxOutputBytes();
    }

    /**
     * The longest an insight of this manifest can be, in bytes, every number as wide as its type allows, but for the
     * laps a session summary lists (their number is the session's: up to 500, about 90 KB); 0 when it emits none. A
     * bound a caller can hold against {@link #maxOutputBytes()}. Cold: writes the widest summaries once per call.
     */
    public int longestInsightBytes()
    {
        return stages.widestInsightLength();
    }

    SubscriberFanout subscriberFanout()
    {
        return subscribers;
    }

    /** The highest ring sequence that is journaled (every lower one is too), or -1. Acquire read. */
    public long journaledSequence()
    {
        return acks.journaled();
    }

    /**
     * Registers {@code listener} to be called on the journal stage's thread each time the journaled sequence
     * advances and once when the journal fails for good: a waiter for durable acknowledgements is woken instead of
     * polling (the gateway's event loops are). {@link JournaledListener} gives the contract and the memory ordering.
     * Any thread; without a journal it is never called.
     */
    public void addJournaledListener(final JournaledListener listener)
    {
        acks.listeners().add(Objects.requireNonNull(listener, "listener"));
    }

    /** Unregisters {@code listener}; true if it was registered. Any thread. */
    public boolean removeJournaledListener(final JournaledListener listener)
    {
        return acks.listeners().remove(listener);
    }

    /**
     * True when the frame at ring sequence {@code position} is in the journal; false for a negative position, such
     * as {@link #RING_FULL} or {@link #JOURNAL_REFUSED} from a refused try publish (nothing was published).
     */
    public boolean isJournaled(final long position)
    {
        return acks.isJournaled(position);
    }

    /**
     * Whether a producer may acknowledge the frame at {@code position} under the configured {@link AckMode}: in
     * {@code journaled} mode once it is journaled, in {@code accepted} mode as soon as it was published; never for a
     * negative position ({@link #RING_FULL}, {@link #JOURNAL_REFUSED}).
     */
    public boolean isAcknowledged(final long position)
    {
        return acks.isAcknowledged(position);
    }

    /**
     * Waits (spinning, then yielding, then parking: an Agrona {@code BackoffIdleStrategy}) until the frame at
     * {@code position} is journaled.
     *
     * @return false if {@code timeoutNs} passed first, or the pipeline has no journal; at once for a negative
     *         position ({@link #RING_FULL}, {@link #JOURNAL_REFUSED}: nothing was published to wait for).
     */
    public boolean awaitJournaled(final long position, final long timeoutNs)
    {
        return acks.awaitJournaled(position, timeoutNs);
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

    /**
     * The id frames carry for the channel named {@code name} (exactly as the dictionary or the manifest spells it):
     * a dictionary channel's id, or the id of a channel the manifest derives; -1 when it is neither. Resolve once,
     * then read frames by id with a {@link FrameView}: derived ids are assigned by the manifest, not by the user.
     */
    public int channelId(final String name)
    {
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            if (channel.name().equals(name))
            {
                return channel.parameterId();
            }
        }
        final ParameterDefinition parameter = registry.byName(name);
        return parameter == null ? -1 : parameter.id();
    }

    /** The tuning policy its frame writers and its manifest keep to, if it was given one. */
    public Optional<TuningPolicy> tuningPolicy()
    {
        return Optional.ofNullable(tuningPolicy);
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
        return ring.descriptor();
    }

    /** The key id of the trusted key the manifest was verified with, or empty when no signature was required. */
    public Optional<String> manifestSignerKeyId()
    {
        return Optional.ofNullable(signerKeyId);
    }

    /**
     * The outputs following its journal that its settings switched on ({@code output.parquet},
     * {@code output.questdb}, {@code output.postgres}), in start order; {@link #close()} stops them.
     */
    public List<OutputFollower> outputFollowers()
    {
        return followers.followers();
    }

    /** The journal, when the pipeline has one. */
    public Optional<Journal> journal()
    {
        return Optional.ofNullable(stages.journal());
    }

    /** The SHA-256 of the derived output stream (see {@code output.digest}), available after {@link #close()}. */
    public Optional<String> outputDigest()
    {
        return Optional.ofNullable(stages.outputDigestHex());
    }

    /**
     * Why {@link #close()} drained this pipeline but could not journal that it did (its {@code PipelineDrained}
     * entry; the disk short of even half its headroom, say), if so: every reader of the journal then takes this run
     * for one that was killed, and a replay leaves out the summaries the drain emitted. Empty otherwise, also before
     * the close and without a journal. Any thread, after {@link #close()} returned.
     */
    public Optional<Throwable> drainUnrecorded()
    {
        return Optional.ofNullable(stages.drainUnrecorded());
    }

    /**
     * Why the journal stage stopped journaling for good (nothing after it is journaled or acknowledged), if it did;
     * empty without a journal. Any thread.
     */
    public Optional<Throwable> journalFailure()
    {
        return Optional.ofNullable(stages.journalFailure());
    }

    /**
     * True while the journal stage holds frames back because the journal's file system is below its free-space
     * headroom ({@code io.pitgun.journal.JournalSpaceGuard}); it resumes by itself once space returns. Any thread.
     */
    public boolean isJournalWaitingForSpace()
    {
        return stages.isJournalWaitingForSpace();
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

    /** The slot at ring sequence {@code position} (tests of the claim protocol). */
    FrameSlot slot(final long position)
    {
        return publisher.slot(position);
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
     * and joins every thread it started; the {@linkplain #outputFollowers() output followers} stop after the drain,
     * before the journal closes. Producers must have stopped publishing. Idempotent: a later call returns
     * at once.
     *
     * <p>Bounded: returns within about {@code timeoutNs} plus {@value #ABANDON_GRACE_MS} ms whatever the stages do,
     * plus the output followers' own bounded stop (each waits for its thread, at most about 35 s).
     * A stage thread still running then is interrupted and, if it still does not end, abandoned: counted as
     * {@code STAGE_THREADS_ABANDONED}, every frame it left unprocessed as {@code DROPPED_UNPROCESSED_AT_CLOSE}; the
     * sinks, the journal and the ring are then left open (the abandoned thread may still be using them: closing
     * mapped memory under it could crash the JVM) and this method throws.
     *
     * <p>Not from one of the pipeline's own threads (a {@link JournaledListener}, the {@code errorHandler} or an
     * output sink, called on a stage's thread): close() waits for those threads to stop, so there it would wait out
     * its whole deadline for itself and then abandon its own thread, leaving the journal open. It refuses instead,
     * before anything changes: close the pipeline from another thread.
     *
     * @throws IllegalStateException naming the abandoned threads, if any; a sink's exception on close otherwise;
     *                               on one of the pipeline's own threads, unless it is closed already.
     */
    public void close(final long timeoutNs)
    {
        if (!publisher.isClosed() && threads.isCallerOneOfThem())
        {
            throw new IllegalStateException("close() on " + Thread.currentThread().getName() + ", a thread of the " +
                "pipeline itself (a JournaledListener, the errorHandler or an output sink), refused: close() waits " +
                "for that thread to stop; call it from another thread");
        }
        if (publisher.close())
        {
            // The followers stop once everything published is journaled and before the journal closes, so that
            // they have read (and written) everything the pipeline journaled.
            stages.close(timeoutNs, publisher, () -> followers.close());
        }
    }
}
