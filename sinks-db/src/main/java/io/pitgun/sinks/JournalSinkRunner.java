package io.pitgun.sinks;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.engine.AckMode;
import io.pitgun.engine.ChannelAccess;
import io.pitgun.engine.InsightRedactor;
import io.pitgun.engine.JournalFollower;
import io.pitgun.engine.OutputFollowers;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.journal.Journal;
import io.pitgun.manifest.CompiledManifest;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

/**
 * Feeds one {@link DatabaseSink} from a journal, on a thread of its own: a {@link JournalFollower} tails the journal
 * (from its first message) into a pipeline of its own, built with the same manifest, dictionary and settings as the
 * journal's writer but without a journal, whose output goes to the sink. The ingesting pipeline never sees the sink:
 * when the database is slow the follower's pipeline fills and the follower waits; ingestion does not.
 *
 * <pre>
 *   journal ──▶ JournalFollower ──▶ pipeline (manifest, no journal) ──▶ DatabaseSink ──▶ database
 *               (this runner's thread)   (its processing thread)
 * </pre>
 *
 * <p>On a failure (connect refused, write failed) the runner counts it, closes that pipeline, waits (100 ms,
 * doubling to 5 s) and starts again from the journal's first message with a new connection: the manifest's state
 * (laps, merges) is rebuilt from the start, so what is derived is what the live run derived, and the sink skips or
 * the database deduplicates what it already holds.
 */
public final class JournalSinkRunner implements SinkFollower
{
    /**
     * First wait before a reconnect; doubled after each failure up to {@link #MAX_BACKOFF_MS}, and back to this only
     * after a connection that wrote rows for at least {@link #MAX_BACKOFF_MS} (a database that was restarted). A
     * connection that fails soon after it opens, or writes nothing (a table dropped behind the sink's back, a row the
     * database refuses each time), keeps the back-off growing: each reconnect runs the journal again, and at a fixed
     * 100 ms that kept an idle gateway's cores busy and its log full.
     */
    static final long MIN_BACKOFF_MS = 100;
    /** Longest wait between reconnects. */
    static final long MAX_BACKOFF_MS = 5_000;
    /** The most of a failure's text logged: a refused batch's statement can be the whole batch. */
    private static final int MAX_LOGGED_FAILURE_CHARS = 500;
    /** Journal entries (up to 64 messages each) the follower reads per duty cycle. */
    private static final int ENTRIES_PER_POLL = 16;
    private static final long CLOSE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    /** The sink pipeline's counters of frames it lost ({@link PipelineCounter#isDrop}): they are in no table. */
    private static final PipelineCounter[] FRAME_DROPS = Arrays.stream(PipelineCounter.values())
        .filter(PipelineCounter::isDrop).toArray(PipelineCounter[]::new);

    private static final Logger LOG = LoggerFactory.getLogger(JournalSinkRunner.class);

    private final Journal journal;
    private final CompiledManifest manifest;
    private final ParameterRegistry registry;
    private final PipelineConfig config;
    private final DatabaseSink.Factory factory;
    private final SinkCounters counters;
    private final ChannelNames names;
    /** Takes hidden channels' statistics out of insights, or null when none is hidden. */
    private final InsightRedactor redactor;
    private final SinkThread thread;
    /**
     * Journal frames the sink's pipelines dropped and {@link #counters} counted, in this process: each run after a
     * failure goes over the same journal with the same manifest and settings, so drops the same frames again.
     */
    private long framesDroppedCounted;

    private JournalSinkRunner(final String sinkName, final Journal journal, final CompiledManifest manifest,
        final ParameterRegistry registry, final PipelineConfig base, final DatabaseSink.Factory factory)
    {
        this.journal = journal;
        this.manifest = manifest;
        this.registry = registry;
        // The writer's settings (merging, frame size, sources) so the output is the live run's; no journal, no
        // file, no other database sink.
        this.config = OutputFollowers.withoutFollowers(base.toBuilder()).journalDirectory(null)
            .ackMode(AckMode.ACCEPTED).jsonLinesFile(null).outputDigest(false).build();
        this.factory = factory;
        this.counters = new SinkCounters(sinkName);
        // Restricted and internal channels (and what derives from them) stay out of the database unless
        // output.include_restricted, as they stay out of every output file.
        final FrameJsonEncoder.ChannelFilter shown = base.outputIncludeRestricted() ? FrameJsonEncoder.ChannelFilter.ALL :
            ChannelAccess.of(manifest).readableIn(EnumSet.of(AccessLevel.PUBLIC));
        this.names = new ChannelNames(registry, manifest, shown);
        final InsightRedactor insights = new InsightRedactor(manifest, shown);
        this.redactor = insights.passesAll() ? null : insights;
        this.thread = new SinkThread(sinkName, this::run);
    }

    /**
     * Starts following {@code journal} into a sink that {@code factory} opens (and re-opens after each failure).
     *
     * @param sinkName the sink's name in thread names, logs and the {@code sink} label of its counters.
     * @param journal  the journal to follow; must outlive this runner ({@link #close()} it first).
     * @param base     the settings of the pipeline that writes the journal.
     */
    public static JournalSinkRunner start(final String sinkName, final Journal journal, final CompiledManifest manifest,
        final ParameterRegistry registry, final PipelineConfig base, final DatabaseSink.Factory factory)
    {
        final JournalSinkRunner runner = new JournalSinkRunner(sinkName, journal, manifest, registry, base, factory);
        runner.thread.start();
        return runner;
    }

    @Override
    public String name()
    {
        return counters.sink();
    }

    /** The sink's counters. */
    @Override
    public SinkCounters counters()
    {
        return counters;
    }

    private void run()
    {
        long backoffMs = MIN_BACKOFF_MS;
        while (thread.isRunning())
        {
            boolean connected = false;
            long openedNs = 0;
            long rowsAtOpen = 0;
            try
            {
                final DatabaseSink sink = factory.open(names, counters);
                connected = true;
                openedNs = System.nanoTime();
                rowsAtOpen = counters.rowsWritten();
                follow(sink);
            }
            catch (final Exception | LinkageError ex)
            {
                if (!thread.isRunning())
                {
                    break;
                }
                final long nowNs = System.nanoTime();
                counters.onFailure(nowNs);
                if (connected && counters.rowsWritten() > rowsAtOpen &&
                    nowNs - openedNs >= TimeUnit.MILLISECONDS.toNanos(MAX_BACKOFF_MS))
                {
                    backoffMs = MIN_BACKOFF_MS; // it had been writing: the database went away, not a lasting fault
                }
                final String failure = ex.toString();
                LOG.warn("sink {}: {}; retrying in {} ms", counters.sink(), failure.length() <= MAX_LOGGED_FAILURE_CHARS ?
                    failure : failure.substring(0, MAX_LOGGED_FAILURE_CHARS) + "…", backoffMs);
            }
            counters.state(SinkCounters.NOT_CONNECTED);
            if (thread.isRunning())
            {
                counters.onRetryDelay(backoffMs);
                thread.pause(backoffMs);
                backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            }
        }
    }

    /** Runs the journal through a new pipeline into {@code sink} until the sink fails or the runner closes. */
    private void follow(final DatabaseSink sink) throws Exception
    {
        final TelemetryPipeline pipeline;
        try
        {
            pipeline = TelemetryPipeline.builder()
                .name("sink-" + counters.sink())
                .dictionary(registry)
                .manifest(manifest)
                .config(config)
                .outputSink(redactor == null ? sink : new InsightRedactingSink(sink, redactor))
                .flushOutputWhenIdle(true)
                .errorHandler((stage, ex) -> LOG.debug("sink {}: {} failed: {}", counters.sink(), stage, ex.toString()))
                .build();
        }
        catch (final Exception | LinkageError ex)
        {
            sink.close();
            throw ex;
        }
        counters.state(SinkCounters.WRITING);
        final int capacity = config.channelCapacity();
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(10),
            TimeUnit.MILLISECONDS.toNanos(1));
        try (JournalFollower follower = new JournalFollower(journal, pipeline, false))
        {
            follower.onGap(counters.journalGapLog());
            while (thread.isRunning() && sink.failure() == null)
            {
                final int entries = follower.poll(ENTRIES_PER_POLL);
                final boolean caughtUp = entries == 0 && pipeline.remainingCapacity() == capacity && sink.isFlushed();
                counters.onProgress(caughtUp, System.nanoTime());
                countDroppedFrames(pipeline);
                idle.idle(entries);
            }
        }
        finally
        {
            try
            {
                pipeline.close(CLOSE_TIMEOUT_NS); // drains into the sink and closes it (a last flush)
            }
            catch (final RuntimeException ex)
            {
                // The sink's own failure is reported below; a close that fails after it says the same thing again.
                if (sink.failure() == null)
                {
                    LOG.warn("sink {}: closing its pipeline failed: {}", counters.sink(), ex.toString());
                }
            }
        }
        countDroppedFrames(pipeline); // those of the frames its close drained
        final Throwable failure = sink.failure();
        if (failure != null)
        {
            throw failure instanceof Exception exception ? exception : new IllegalStateException(failure);
        }
    }

    /**
     * Counts the journal frames the sink's pipeline dropped beyond those counted before (a frame of a stream beyond
     * {@code max_sources}: the live pipeline drops it too, but the journal holds it), logging the first: the tables
     * lack them, and before they lacked them without a word.
     */
    private void countDroppedFrames(final TelemetryPipeline pipeline)
    {
        long dropped = 0;
        for (final PipelineCounter counter : FRAME_DROPS)
        {
            dropped += pipeline.counters().get(counter);
        }
        if (dropped > framesDroppedCounted)
        {
            if (framesDroppedCounted == 0)
            {
                LOG.warn("sink {}: its pipeline dropped journal frames, which are in no table " +
                    "(pitgun_sink_dropped_total; a gateway's --max-sources below the streams it had at once?): {}",
                    counters.sink(), droppedByReason(pipeline));
            }
            counters.onDropped(dropped - framesDroppedCounted);
            framesDroppedCounted = dropped;
        }
    }

    /** The non-zero drop counters by label (cold path: the log line). */
    private static String droppedByReason(final TelemetryPipeline pipeline)
    {
        final StringBuilder reasons = new StringBuilder();
        for (final PipelineCounter counter : FRAME_DROPS)
        {
            final long value = pipeline.counters().get(counter);
            if (value > 0)
            {
                reasons.append(reasons.length() == 0 ? "" : ", ").append(counter.label()).append(' ').append(value);
            }
        }
        return reasons.toString();
    }

    /**
     * Stops following, writes out what the sink's pipeline holds (a database that is down by then loses nothing: the
     * next start runs the journal again) and waits for the thread, at most 30 s.
     */
    @Override
    public void close()
    {
        thread.stop();
    }
}
