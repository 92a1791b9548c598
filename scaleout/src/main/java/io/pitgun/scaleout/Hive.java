package io.pitgun.scaleout;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.ArchivingMediaDriver;
import io.aeron.archive.client.AeronArchive;
import io.aeron.driver.MediaDriver;
import io.aeron.archive.status.RecordingPos;
import io.pitgun.engine.DataDirectoryLock;
import org.agrona.CloseHelper;
import org.agrona.collections.LongLongConsumer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.status.CountersReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A hive: an embedded media driver and Aeron Archive ({@link ArchivingMediaDriver}) that record the shipping
 * stream, the {@link HiveAgent} that keeps one journal per edge from the live stream, exactly once, and, given a
 * {@link HivePipeline}, the derive thread that runs the engine pipeline over each edge's journal, live
 * ({@link #derivedOutputs()}).
 * <p>
 * The Archive records every batch the writer takes before it is appended ({@link HiveRecorder}: one recording,
 * extended across restarts, whose tail is replayed into the journals at start); the per-edge journals are the
 * record of truth the journal tools and replay read.
 */
public final class Hive implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Hive.class);
    /** The Archive's control stream on IPC: the hive is its only client, so it opens no control port. */
    private static final int ARCHIVE_CONTROL_STREAM_ID = 1610;
    private static final String IPC = "aeron:ipc";

    /** The file a running hive holds locked in its data directory: one hive per directory. */
    public static final String LOCK_FILE = "hive.lock";
    /** The Archive's mark file, under its directory: stale after a {@code kill -9} (see {@link #start}). */
    private static final String ARCHIVE_MARK_FILE = "archive-mark.dat";

    /** How long close waits for the derive thread before it warns and interrupts it (then waits again). */
    private static final int DERIVE_CLOSE_RETRY_MS = 60_000;

    private final HiveConfig config;
    private final DataDirectoryLock lock;
    /** An {@link ArchivingMediaDriver}, or a bare media driver when not recording. */
    private final AutoCloseable driver;
    private final Aeron aeron;
    /** The Archive's own Aeron client, or null when not recording. */
    private final Aeron archiveAeron;
    private final AeronArchive archive;
    private final HiveAgent agent;
    private final AgentRunner runner;
    /** The derive thread, or null without a {@link HivePipeline}. */
    private final HiveDeriveAgent deriveAgent;
    private final AgentRunner deriveRunner;
    /** The Archive's record of the batches taken, or null when not recording. */
    private final HiveRecorder recorder;
    /** Purges finished recordings, or null when not recording. */
    private final ArchiveRetention retention;
    /** Runs {@link #retention} every {@link #ARCHIVE_SWEEP_INTERVAL_MS}, or null when not recording. */
    private final ScheduledExecutorService retentionThread;
    /** How long each phase of the start took. */
    private final HiveStartPhases startPhases;

    /**
     * How often finished recordings are looked for and purged: a listing over IPC, cheap; a finished connection's
     * recording is gone within about this long.
     */
    public static final long ARCHIVE_SWEEP_INTERVAL_MS = 1_000;

    private Hive(final HiveConfig config, final DataDirectoryLock lock, final AutoCloseable driver, final Aeron aeron,
        final Aeron archiveAeron, final AeronArchive archive, final HiveAgent agent, final AgentRunner runner,
        final HiveDeriveAgent deriveAgent, final AgentRunner deriveRunner, final ArchiveRetention retention,
        final ScheduledExecutorService retentionThread, final HiveRecorder recorder, final HiveStartPhases startPhases)
    {
        this.startPhases = startPhases;
        this.recorder = recorder;
        this.deriveAgent = deriveAgent;
        this.deriveRunner = deriveRunner;
        this.retention = retention;
        this.retentionThread = retentionThread;
        this.config = config;
        this.lock = lock;
        this.driver = driver;
        this.aeron = aeron;
        this.archiveAeron = archiveAeron;
        this.archive = archive;
        this.agent = agent;
        this.runner = runner;
    }

    /**
     * Starts the driver, the archive (recording the shipping stream) and the writer's thread.
     * <p>
     * The hive first locks {@value #LOCK_FILE} in its data directory (the operating system releases the lock when
     * the process dies, however it dies). Holding it, the hive knows no other hive uses the directory, so an
     * Archive mark file it finds was left by a killed hive: it is removed, since the Archive would otherwise refuse
     * to start until the dead process's mark had aged past its timeout (10 s).
     *
     * @throws IllegalStateException if another hive holds the directory.
     */
    public static Hive start(final HiveConfig config)
    {
        return start(config, UnaryOperator.identity());
    }

    /**
     * As {@link #start(HiveConfig)}, with the media driver's context adjusted by {@code driverSettings} before launch:
     * e.g. a test's loss generator ({@code io.aeron.driver.ext.DebugReceiveChannelEndpoint}).
     */
    public static Hive start(final HiveConfig config, final UnaryOperator<MediaDriver.Context> driverSettings)
    {
        return start(config, null, driverSettings);
    }

    /**
     * As {@link #start(HiveConfig)}, also running {@code pipeline} over each edge's journal, live, into
     * {@code DATA_DIR/edges/EDGE_ID/}{@value HiveConfig#DERIVED_FILE} on a thread of its own
     * ({@code pitgun-hive-derive}; see {@link #derivedOutputs()}).
     */
    public static Hive start(final HiveConfig config, final HivePipeline pipeline)
    {
        return start(config, pipeline, UnaryOperator.identity());
    }

    /**
     * As {@link #start(HiveConfig, UnaryOperator)} with {@code pipeline} run over each edge's journal, or none when
     * it is null.
     */
    public static Hive start(final HiveConfig config, final HivePipeline pipeline,
        final UnaryOperator<MediaDriver.Context> driverSettings)
    {
        final HiveStartPhases phases = new HiveStartPhases();
        final DataDirectoryLock lock = lockDataDirectory(config.dataDirectory());
        phases.end("lock");
        final Path aeronDirectory = config.aeronDirectory() != null ? config.aeronDirectory() :
            AeronDirectories.forRole(config.dataDirectory(), "hive");
        final Archive.Context archiveContext = new Archive.Context()
            .aeronDirectoryName(aeronDirectory.toString())
            .archiveDir(config.dataDirectory().resolve(HiveConfig.ARCHIVE_DIRECTORY).toFile())
            .controlChannelEnabled(false)
            .localControlChannel(IPC)
            .localControlStreamId(ARCHIVE_CONTROL_STREAM_ID)
            // Replication (archive to archive) is not used; Aeron still asks for its channels to be named.
            .replicationChannel("aeron:udp?endpoint=127.0.0.1:0")
            .archiveClientContext(new AeronArchive.Context().controlResponseChannel("aeron:udp?endpoint=127.0.0.1:0"))
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(config.idleStrategy()::newIdleStrategy);
        AutoCloseable driver = null;
        Aeron aeron = null;
        AeronArchive archive = null;
        AgentRunner runner = null;
        HiveRecorder recorder = null;
        AgentRunner deriveRunner = null;
        ArchiveRetention retention = null;
        ScheduledExecutorService retentionThread = null;
        AeronDirectoryHold hold = null;
        try
        {
            hold = AeronDirectoryHold.acquire(aeronDirectory, "hive");
            if (config.record())
            {
                refuseLowStorage(config.dataDirectory().resolve(HiveConfig.ARCHIVE_DIRECTORY),
                    archiveContext.lowStorageSpaceThreshold());
            }
            final MediaDriver.Context driverContext =
                driverSettings.apply(AeronDirectories.driverContext(aeronDirectory, config.idleStrategy())
                    .socketRcvbufLength(config.socketReceiveBufferBytes())
                    .imageLivenessTimeoutNs(HiveConfig.IMAGE_LIVENESS_TIMEOUT_NS));
            final AutoCloseable launched = config.record() ?
                ArchivingMediaDriver.launch(driverContext, archiveContext) : MediaDriver.launch(driverContext);
            final Aeron archiveAeron = launched instanceof ArchivingMediaDriver archiving ?
                archiving.archive().context().aeron() : null;
            final AeronDirectoryHold held = hold;
            driver = () -> CloseHelper.closeAll(launched, held); // the directory is held until its driver is gone
            phases.end(config.record() ? "media driver and archive" : "media driver");
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory.toString()));
            if (config.record())
            {
                archive = AeronArchive.connect(new AeronArchive.Context()
                    .aeron(aeron)
                    .controlRequestChannel(IPC)
                    .controlRequestStreamId(ARCHIVE_CONTROL_STREAM_ID)
                    .controlResponseChannel(IPC));
            }
            phases.end("clients");
            final Subscription subscription = aeron.addSubscription(config.listenChannel(), config.streamId());
            final HiveAgent agent = new HiveAgent(aeron, subscription, config, SystemEpochClock.INSTANCE);
            if (archive != null)
            {
                // Replays the record's tail into the journals, then continues the recording (HiveRecorder); the
                // earlier runs' other recordings are finished and purged by the first sweep, the continued one kept.
                recorder = HiveRecorder.start(aeron, archive, agent.replayHandler(), phases);
                agent.closeWritersThatTookNothing();
                agent.recorder(recorder);
                final HiveRecorder recording = recorder;
                retention = new ArchiveRetention(archive, aeron.countersReader(), HiveRecorder.RECORDING_STREAM_ID,
                    config.streamId(), config.maxLiveRecordingBytes(), recording::restartRecording);
                retention.sweep();
                phases.end("retention sweep");
            }
            runner = new AgentRunner(config.idleStrategy().newIdleStrategy(),
                ex -> LOG.error("hive writer failed", ex), null, agent);
            AgentRunner.startOnThread(runner);
            HiveDeriveAgent deriveAgent = null;
            if (pipeline != null)
            {
                deriveAgent = new HiveDeriveAgent(config, pipeline, agent.edges(),
                    agent::nextReleasedEdge);
                deriveRunner = new AgentRunner(config.idleStrategy().newIdleStrategy(),
                    ex -> LOG.error("hive derived output failed", ex), null, deriveAgent);
                AgentRunner.startOnThread(deriveRunner);
            }
            if (retention != null)
            {
                retentionThread = Executors.newSingleThreadScheduledExecutor(task ->
                {
                    final Thread thread = new Thread(task, "pitgun-hive-retention");
                    thread.setDaemon(true);
                    return thread;
                });
                retentionThread.scheduleWithFixedDelay(retention::sweep, ARCHIVE_SWEEP_INTERVAL_MS,
                    ARCHIVE_SWEEP_INTERVAL_MS, TimeUnit.MILLISECONDS);
            }
            phases.end("threads");
            phases.log(true);
            LOG.info("pitgun hive listening on {} stream {} (aeron {}, data {}, recording {})",
                config.listenChannel(), config.streamId(), aeronDirectory, config.dataDirectory(), config.record());
            return new Hive(config, lock, driver, aeron, archiveAeron, archive, agent, runner, deriveAgent,
                deriveRunner, retention, retentionThread, recorder, phases);
        }
        catch (final RuntimeException ex)
        {
            phases.log(false);
            if (retentionThread != null)
            {
                retentionThread.shutdownNow();
            }
            CloseHelper.quietCloseAll(runner, deriveRunner, recorder, archive, aeron, driver, hold, lock);
            throw ex;
        }
    }

    /** How the hive was started. */
    public HiveConfig config()
    {
        return config;
    }

    /** The edges heard from since start, with their counters. */
    public List<HiveEdgeWriter> edges()
    {
        return agent.edges();
    }

    /**
     * Each edge's live derived output ({@link HivePipeline}): per edge, the messages derived, the last edge position
     * derived, any failure and the output's SHA-256 ({@link HiveEdgeDeriver#fileSha256()} reads the file;
     * {@link HiveEdgeDeriver#outputDigest()} once the hive has stopped). Empty when the hive runs no pipeline. Safe
     * from any thread; the list grows as edges appear.
     */
    public List<HiveEdgeDeriver> derivedOutputs()
    {
        return deriveAgent == null ? List.of() : deriveAgent.derivers();
    }

    /** Derived-output pipelines open now, each with its thread (see {@link HiveDeriveAgent}); 0 without one. */
    public int derivePipelines()
    {
        return deriveAgent == null ? 0 : deriveAgent.pipelinesOpen();
    }

    /** Edges on disk the writer has not taken that wait their turn to be derived (see {@link HiveDeriveAgent}). */
    public int deriveEdgesWaiting()
    {
        return deriveAgent == null ? 0 : deriveAgent.edgesWaiting();
    }

    /** Edges on disk or released, not shipping, whose output was derived whole and closed since the hive started. */
    public long deriveEdgesCompleted()
    {
        return deriveAgent == null ? 0 : deriveAgent.edgesCompleted();
    }

    /**
     * Edges on disk whose derived output was found whole and unchanged at start (its {@value
     * HiveConfig#DERIVED_MARK_FILE} trusted), not derived again (see {@link HiveDeriveAgent}).
     */
    public long deriveEdgesSkipped()
    {
        return deriveAgent == null ? 0 : deriveAgent.edgesSkipped();
    }

    /**
     * Edges on disk whose derivation had failed on the journal they hold now with this pipeline (their mark trusted
     * at start), which fail alike every time: not derived again until either changes (see {@link HiveDerivedMark}).
     */
    public long deriveEdgesSkippedFailed()
    {
        return deriveAgent == null ? 0 : deriveAgent.edgesSkippedFailed();
    }

    /** Marks of whole derived outputs found and not trusted for {@code why}: those edges were derived again. */
    long deriveMarksDistrusted(final HiveDerivedMark.Distrust why)
    {
        return deriveAgent == null ? 0 : deriveAgent.marksDistrusted(why);
    }

    /** Times the Archive's recording restarted because one being written passed its most bytes. */
    public long archiveRecordingRestarts()
    {
        return retention == null ? 0 : retention.recordingRestarts();
    }

    /** Batches of new edge ids beyond {@link HiveConfig#maxEdges()}, ignored. */
    public long edgesRefused()
    {
        return agent.edgesRefused();
    }

    /** Edge directories under {@code DATA_DIR/edges}, as last counted ({@link HiveAgent#edgeDirectories()}). */
    public int edgeDirectories()
    {
        return agent.edgeDirectories();
    }

    /** Unauthenticated batches of new edge ids refused at {@link HiveConfig#maxEdgeDirectories()}. */
    public long edgeDirectoriesRefused()
    {
        return agent.edgeDirectoriesRefused();
    }

    /** Edges whose connection had gone, released to make room for a new one ({@link HiveAgent#edgesReleased()}). */
    public long edgesReleased()
    {
        return agent.edgesReleased();
    }

    /** Batches ignored because their edge's journal is damaged; see {@link HiveAgent#batchesOfDamagedEdges}. */
    public long batchesOfDamagedEdges()
    {
        return agent.batchesOfDamagedEdges();
    }

    /** Reply channels refused (another host than the batches'); see {@link HiveAgent#repliesRefused}. */
    public long repliesRefused()
    {
        return agent.repliesRefused();
    }

    /** Fragments on the shipping stream that were not batches, ignored (see {@link HiveAgent#fragmentsIgnored}). */
    public long fragmentsIgnored()
    {
        return agent.fragmentsIgnored();
    }

    /**
     * Calls {@code action} with the recording id and recorded position (bytes) of each recording the Archive is
     * writing now, read from the driver's counters (thread-safe reads of shared memory; the writer's thread is not
     * involved). None when the hive does not record.
     */
    public void forEachActiveRecording(final LongLongConsumer action)
    {
        if (archive == null)
        {
            return;
        }
        final CountersReader counters = aeron.countersReader();
        counters.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (typeId == RecordingPos.RECORDING_POSITION_TYPE_ID)
            {
                action.accept(RecordingPos.getRecordingId(counters, counterId), counters.getCounterValue(counterId));
            }
        });
    }

    /** Finished recordings purged since start ({@link ArchiveRetention}); 0 when not recording. */
    public long archiveRecordingsPurged()
    {
        return retention == null ? 0 : retention.recordingsPurged();
    }

    /** Bytes of those recordings. */
    public long archiveBytesPurged()
    {
        return retention == null ? 0 : retention.bytesPurged();
    }

    /** Purges or listings of the archive that failed (tried again next sweep). */
    public long archiveRetentionFailures()
    {
        return retention == null ? 0 : retention.failures();
    }

    /**
     * Stops the retention sweeps, the writer (closing the edges' journals), then the derive thread, which first runs
     * what the journals hold through the pipelines and closes them (so each derived file is complete: the replay's
     * output), then the archive and the driver.
     */
    @Override
    public void close()
    {
        if (retentionThread != null)
        {
            retentionThread.shutdown(); // cancels the periodic sweep; one under way finishes
            try
            {
                // A sweep under way uses the archive client: let it end before the client closes.
                retentionThread.awaitTermination(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        CloseHelper.closeAll(runner, this::closeDeriving, recorder, archive, aeron, driver, lock);
    }

    /**
     * True once Aeron closed the hive's client or its Archive's: it does when a client's conductor went unserviced
     * past the driver's client liveness timeout (10 s), i.e. the process stood still (SIGSTOP, a suspended VM, a long
     * pause). The hive then takes and acknowledges nothing and records nothing, for good: only a new start mends it
     * ({@code pitgun hive} stops, status 3).
     */
    public boolean aeronClientClosed()
    {
        return aeron.isClosed() || (archiveAeron != null && archiveAeron.isClosed());
    }

    /** Batches refused as unauthenticated for {@code reason} (see {@link HiveAgent.UnauthenticatedReason}). */
    public long unauthenticatedBatches(final HiveAgent.UnauthenticatedReason reason)
    {
        return agent.unauthenticatedBatches(reason);
    }

    /** Times {@code --edge-secrets} was read again after its file changed (see {@link HiveAgent}). */
    public long edgeSecretsReloads()
    {
        return agent.edgeSecretsReloads();
    }

    /** Changes of {@code --edge-secrets} that did not read; the secrets before stayed in force. */
    public long edgeSecretsReloadFailures()
    {
        return agent.edgeSecretsReloadFailures();
    }

    /** Whether this run continues the previous run's Archive recording ({@code extendRecording}); false when not
     *  recording or when there was none. */
    public boolean archiveRecordingExtended()
    {
        return recorder != null && recorder.extended();
    }

    /** Bytes of the Archive's record replayed into the journals at start (its tail; see {@link HiveRecorder}). */
    public long archiveReplayedBytes()
    {
        return recorder == null ? 0 : recorder.replayedBytes();
    }

    /** Batches appended to a journal that the Archive's record lacks (it back-pressured too long). */
    public long archiveBatchesNotRecorded()
    {
        return recorder == null ? 0 : recorder.batchesNotRecorded();
    }

    /** How long each phase of this hive's start took, in order (logged at start as one line). */
    List<HiveStartPhases.Phase> startPhases()
    {
        return startPhases.phases();
    }

    /** Bounded waits of this hive's start that ran into their timeout: 0 unless the start stalled. */
    public int startTimeoutsHit()
    {
        return startPhases.timeoutsHit();
    }

    /** The Archive client (tests read the record through it; it serialises its requests). */
    AeronArchive archiveClient()
    {
        return archive;
    }

    /** The writer (tests). */
    HiveAgent agent()
    {
        return agent;
    }

    /** The position of the record's publication (tests wait for the Archive to reach it). */
    long recordPosition()
    {
        return recorder == null ? 0 : recorder.position();
    }

    private void closeDeriving()
    {
        if (deriveRunner != null)
        {
            // Draining a backlog and closing the pipelines can take a while: not interrupted after Agrona's 5 s.
            deriveRunner.close(DERIVE_CLOSE_RETRY_MS,
                thread -> LOG.warn("hive derived output: still completing the edges' outputs on {}", thread));
        }
    }

    /**
     * Aeron Archive records nothing with {@code threshold} bytes or less free in its directory, and says so in its
     * own words ("low storage threshold=134217728 &lt;= usableSpace=..."), which name neither the directory nor the
     * way out.
     */
    private static void refuseLowStorage(final Path archiveDirectory, final long threshold)
    {
        final long usable;
        try
        {
            // The archive's own file system (it may be a mount of its own); before the first start, its parent's.
            Path measured = archiveDirectory.toAbsolutePath();
            while (!Files.exists(measured) && measured.getParent() != null)
            {
                measured = measured.getParent();
            }
            usable = Files.getFileStore(measured).getUsableSpace();
        }
        catch (final IOException ex)
        {
            return; // Aeron measures again and refuses in its own words
        }
        if (usable <= threshold)
        {
            throw new IllegalStateException(archiveDirectory + " has " + (usable >> 20) + " MiB free: the hive's Aeron " +
                "Archive records the shipping stream only with more than " + (threshold >> 20) + " MiB free (its " +
                "low-storage threshold); free space there, or run without the raw record (--record 0)");
        }
    }

    private static DataDirectoryLock lockDataDirectory(final Path dataDirectory)
    {
        final DataDirectoryLock lock = DataDirectoryLock.acquire(dataDirectory, LOCK_FILE, "hive");
        try
        {
            Files.deleteIfExists(dataDirectory.resolve(HiveConfig.ARCHIVE_DIRECTORY).resolve(ARCHIVE_MARK_FILE));
            return lock;
        }
        catch (final IOException ex)
        {
            lock.close();
            throw new IllegalStateException(dataDirectory + ": cannot remove a dead hive's Archive mark: " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            lock.close();
            throw ex;
        }
    }
}
