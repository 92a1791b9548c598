package io.pitgun.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.pitgun.codecs.dictionary.DictionaryException;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.ChannelAccess;
import io.pitgun.engine.CountersFile;
import io.pitgun.f1.F1Channel;
import io.pitgun.f1.F1PacketAdapter;
import io.pitgun.f1.F1UdpCounters;
import io.pitgun.f1.F1UdpSource;
import io.pitgun.engine.CountersFileDescriptor;
import io.pitgun.engine.DataDirectoryLock;
import io.pitgun.engine.InsightRedactor;
import io.pitgun.engine.JournalThread;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.engine.ProducerMode;
import io.pitgun.engine.PipelineCounters;
import io.pitgun.engine.TelemetryPipeline;
import io.pitgun.engine.TelemetryPipelineBuilder;
import io.pitgun.engine.tuning.ChannelLimitTable;
import io.pitgun.engine.tuning.FrameLimits;
import io.pitgun.engine.tuning.SessionSourceLimit;
import io.pitgun.engine.tuning.TuningPolicy;
import io.pitgun.engine.tuning.TuningPolicyException;
import io.pitgun.engine.tuning.TuningPolicyLoader;
import io.pitgun.journal.JournalFullException;
import io.pitgun.manifest.ManifestException;
import io.pitgun.scaleout.EdgeShipper;
import io.pitgun.sinks.SinkFollower;
import io.pitgun.schemas.SchemaCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * The Pitgun gateway: a Netty HTTP/1.1 + WebSocket server in front of an embedded {@link TelemetryPipeline}.
 * <pre>
 *   boss loop (accept) ──▶ I/O loops (IO_THREADS, default 1): HTTP codec ▸ aggregate ▸ route ▸ decode every
 *                          envelope on the loop ▸ tryPublish into the ring ▸ answer (journaled: when the
 *                          journaled sequence passes: the journal stage wakes the loop — it never blocks)
 *   pipeline threads: journal stage ▸ processing stage ▸ subscribers (polled by each subscriber's loop)
 * </pre>
 * {@link #start} binds and returns; {@link #shutdown} drains gracefully (stop accepting, answer what was admitted,
 * close connections, drain the ring, close the journal).
 */
public final class GatewayServer implements AutoCloseable
{
    /** Most envelopes in one beacon body (and SBE messages in one binary WebSocket message). */
    public static final int MAX_ENVELOPES_PER_REQUEST = 1024;
    /**
     * Most sessions whose sources {@code max_sources_per_session} tracks at once (the least recently seen is forgotten
     * beyond it, counted): about 64 bytes and 4 bytes a source each.
     */
    public static final int MAX_SOURCE_TRACKED_SESSIONS = 65_536;
    /** Classpath resource of the built-in manifest. */
    public static final String DEFAULT_MANIFEST_RESOURCE = "gateway/default-manifest.yaml";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    /** The file a running gateway holds locked in its data directory: one gateway per directory. */
    public static final String LOCK_FILE = "gateway.lock";

    private final GatewayConfig config;
    /** Held from before the counters file is created until the journal and the audit log are closed, or until the
     *  process exits when the pipeline left its journal open to an abandoned stage. */
    private final DataDirectoryLock dataDirectoryLock;
    private final ParameterRegistry registry;
    private final TelemetryPipeline pipeline;
    /** The access levels of the pipeline's channels, built once for every event loop (immutable). */
    private final ChannelAccess channelAccess;
    private final GatewayCounters counters;
    private final IdempotencyWindow idempotencyWindow;
    private final ClientRateLimiter rateLimiter;
    private final OverloadLog overloadLog;
    private final DirectMemoryPressure directMemory = new DirectMemoryPressure();
    private final DirectMemoryFit directMemoryFit;
    private final ConnectionAdmission connectionAdmission;
    private final GatewayAccess access;
    private final GatewayMetrics metrics;
    private final GatewayHealth health;
    private final LatencyExport latencyExport;
    private final DictionaryDocuments dictionaryDocuments;
    private final SchemaCatalog schemas = SchemaCatalog.standard();
    private final ClasspathResources solverFiles = new ClasspathResources("solver", GatewayServer.class.getClassLoader());
    private final AuditBudget auditBudget;
    private final LivePage livePage = new LivePage(GatewayServer.class.getClassLoader());
    private final RunRegistryMirror registryMirror;
    /** Where AUDIT_LOG sends the audit log, or null (the logging configuration decides). */
    private final AuditLogOutput auditLog;
    private final JournalTailReader journalTailReader;
    /** Ships the journal to a hive ({@code SHIP_TO}), or null: without it no Aeron thread or file exists. */
    private final EdgeShipper shipper;
    /** Receives the F1 game's UDP telemetry ({@code UDP_BIND}), or null. */
    private final F1UdpSource udpSource;
    /** The TLS context (TLS_CERT, TLS_KEY), or null for plain HTTP. */
    private final GatewayTls tls;
    /** The caps on TLS handshakes in progress, or null for plain HTTP. */
    private final TlsHandshakeAdmission tlsHandshakes;
    private final EventLoopTransport transport;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup ioGroup;
    private final ChannelGroup channels = new DefaultChannelGroup("pitgun-gateway", GlobalEventExecutor.INSTANCE);
    private final FastThreadLocal<IngressThreadState> threadState = new FastThreadLocal<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Completed when the one shutdown that ran has finished; later and concurrent callers wait on it. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final long startedNs = System.nanoTime();
    private Channel serverChannel;
    /** The TUNING_POLICY, or null. */
    private final TuningPolicy tuningPolicy;
    /** The policy's max_sources_per_session state, one for every loop; null when it sets none. */
    private final SessionSourceLimit sessionSources;

    private GatewayServer(final GatewayConfig config, final ThreadFactory pipelineThreads,
        final UnaryOperator<ThreadFactory> loopThreads, final DataDirectoryLock dataDirectoryLock)
        throws InterruptedException
    {
        this.config = config;
        this.dataDirectoryLock = dataDirectoryLock;
        // The game's source writes f1-25.v1 frames: with UDP_BIND that dictionary is the default one.
        this.registry = config.dictionary().map(GatewayServer::loadDictionary).orElseGet(() ->
            config.udpBind().isPresent() ? ParameterRegistry.loadResource(F1Channel.DICTIONARY_RESOURCE) :
                ParameterRegistry.simV1());
        registry.warnings().forEach(warning -> LOG.warn("dictionary {}: {}", registry.name(), warning));
        if (config.udpBind().isPresent())
        {
            try
            {
                F1PacketAdapter.requireChannels(registry); // before the journal opens
            }
            catch (final IllegalArgumentException ex)
            {
                throw new GatewayConfigException(List.of(GatewaySetting.UDP_BIND.label() + ": " + ex.getMessage()));
            }
        }
        this.dictionaryDocuments = new DictionaryDocuments(registry);
        this.tuningPolicy = config.tuningPolicy().map(this::loadTuningPolicy).orElse(null);
        // The pipeline's and the gateway's counters share one file in the data directory: pitgun stat reads it.
        final CountersFile countersFile;
        try
        {
            countersFile = CountersFile.create(config.dataDir().resolve(CountersFileDescriptor.FILE_NAME),
                CountersFileDescriptor.DEFAULT_MAX_COUNTERS);
        }
        catch (final UncheckedIOException ex)
        {
            throw new GatewayConfigException(List.of(GatewaySetting.DATA_DIR.label() + ": " +
                ex.getMessage()));
        }
        final PipelineCounters pipelineCounters = new PipelineCounters(countersFile.manager());
        this.counters = new GatewayCounters(countersFile.manager());
        this.auditBudget = new AuditBudget(counters.auditSuppressed);
        final Integer maxSources = frameLimits().maxSourcesPerSession();
        this.sessionSources = maxSources == null ? null : new SessionSourceLimit(maxSources,
            MAX_SOURCE_TRACKED_SESSIONS, counters.sessionSourceEvictions::increment);
        // Before the journal opens: a certificate that does not load stops the gateway with nothing started.
        this.tls = config.tlsCert().map(cert -> GatewayTls.load(cert, config.tlsKey().orElseThrow(), config.tls(),
            counters)).orElse(null);
        // Before the pipeline: a token file that cannot be read stops the start before the journal is opened.
        this.access = new GatewayAccess(config, counters, registry);
        final PipelineConfig.Builder pipelineConfigBuilder = PipelineConfig.builder();
        if (config.loopIsOnlyProducer())
        {
            // The one event loop is the ring's only producer: a claim needs no CAS, and the stages find what is
            // published without scanning the multi-producer sequencer's availability flags. Bound to that loop below.
            pipelineConfigBuilder.producerMode(ProducerMode.SINGLE);
        }
        if (config.journalsOnLoop())
        {
            // It also journals inside each publish and answers at once.
            pipelineConfigBuilder.journalThread(JournalThread.PRODUCER);
        }
        final PipelineConfig pipelineConfig = pipelineConfigBuilder
            .channelCapacity(config.channelCapacity())
            .waitStrategy(config.waitStrategy())
            .maxSources(config.maxSources())
            .streamIdleTimeoutUs(config.streamIdleTimeoutUs())
            .maxFrameBytes(GatewayRing.MAX_FRAME_BYTES)
            .ackMode(config.ackMode())
            .journalDirectory(config.journalDirectory())
            .journalMinFreeBytes(config.journalMinFreeBytes())
            .subscriberBufferBytes(config.subscriberBufferBytes())
            .questDb(config.questDb().orElse(null))
            .postgresUrl(config.postgresUrl().orElse(null))
            .parquetDirectory(config.parquetDir().orElse(null))
            .build();
        this.idempotencyWindow = new IdempotencyWindow(config.idempotencyEntries(),
            TimeUnit.SECONDS.toNanos(config.idempotencyWindowS()));
        try
        {
            final GatewayManifestLoader.Loaded manifest = GatewayManifestLoader.load(config, registry);
            final TelemetryPipelineBuilder builder = TelemetryPipeline.builder();
            if (manifest.source() != null)
            {
                builder.manifest(manifest.compiled(), manifest.source()); // the verified signer goes into provenance
            }
            else
            {
                builder.manifest(manifest.compiled());
            }
            this.pipeline = builder
                .name("gateway")
                .dictionary(registry)
                .tuningPolicy(tuningPolicy)
                .config(pipelineConfig)
                .counters(pipelineCounters)
                .errorHandler((stage, error) -> LOG.error("pipeline stage {} failed: {}", stage, error.toString(), error))
                .threadFactory(pipelineThreads)
                // Before bind, and before the pipeline writes into the journal: no request may be answered from a
                // window that does not yet know what the journal holds, and a journal the restore refuses (a newer
                // build's) is left as it was.
                .journalCheck(journal -> IdempotencyWindowLoader.restore(journal, idempotencyWindow, counters))
                .build();
            this.channelAccess = ChannelAccess.of(pipeline.manifest());
        }
        catch (final ManifestException ex)
        {
            throw new GatewayConfigException(List.of(GatewaySetting.MANIFEST.envName() + ": " + ex.getMessage()));
        }
        catch (final JournalFullException ex)
        {
            // Before, only the journal's directory and the bytes free: not the setting that asks for more.
            throw new GatewayConfigException(List.of(GatewaySetting.JOURNAL_MIN_FREE_BYTES.label() + ": " +
                ex.getMessage()));
        }
        catch (final TuningPolicyException ex)
        {
            // The manifest is over a limit of the policy: the gateway does not start with it.
            throw new GatewayConfigException(ex.problems().stream().map(problem -> GatewaySetting.MANIFEST.label() +
                " over a limit of " + GatewaySetting.TUNING_POLICY.label() + ": " + problem).toList());
        }
        // From here a failure closes what was started, the pipeline and its journal among them: a start that fails
        // must not leave the journal open behind a released data directory lock.
        try
        {
            refuseInsightsLongerThanSubscribersTake(pipeline);
            this.rateLimiter = new ClientRateLimiter(config.rateLimitPerSecond(), config.rateBurst());
            this.overloadLog = new OverloadLog(counters);
            this.connectionAdmission = new ConnectionAdmission(config.maxConnections(), config.maxConnectionsPerPeer(),
                counters, overloadLog);
            this.tlsHandshakes = tls == null ? null : new TlsHandshakeAdmission(config.tls(), counters, overloadLog);
            this.metrics = new GatewayMetrics(counters, pipeline);
            // After the pipeline: its ring and broadcast buffers are what the JVM's direct memory already holds.
            this.directMemoryFit = DirectMemoryFit.of(config, directMemory);
            if (directMemoryFit.lowered() != null)
            {
                LOG.warn(directMemoryFit.lowered());
            }
            metrics.directMemoryFit(directMemoryFit);
            if (tls != null)
            {
                metrics.tlsOn(tls.provider());
            }
            this.health = new GatewayHealth(pipeline, counters, connectionAdmission, config.ackTimeoutMs());
            this.latencyExport = new LatencyExport(pipeline.latency());
            this.registryMirror = config.runRegistryUrl().map(url -> new RunRegistryMirror(url, pipeline,
                config.runRegistryIncludeRestricted() ? null :
                    new InsightRedactor(pipeline.manifest(), channelAccess, SubscriberGroup.PUBLIC_ONLY), counters))
                .orElse(null);
            this.journalTailReader = pipeline.journal().map(journal ->
                new JournalTailReader(pipeline::journaledSequence, journal::lastIndex, config.ioThreads() + 1))
                .orElse(null);
            this.transport = EventLoopTransport.select();
            this.bossGroup = transport.newGroup("accept", 1, loopThreads);
            this.ioGroup = transport.newGroup("io", config.ioThreads(), loopThreads);
            // One-second latency intervals for GET /latency?format=hlog. On the accept thread, which is idle but for
            // new connections, so that compressing two histograms a second never delays an ingest event loop.
            bossGroup.scheduleAtFixedRate(() -> pipeline.latency().closeInterval(System.currentTimeMillis()),
                1, 1, TimeUnit.SECONDS);
            if (tls != null)
            {
                bossGroup.scheduleAtFixedRate(tls::reloadIfChanged, GatewayTls.RELOAD_CHECK_INTERVAL_MS,
                    GatewayTls.RELOAD_CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
            }
            if (access.tokens() != null)
            {
                // Off the event loops: they only ever read the snapshot the poll publishes.
                bossGroup.scheduleWithFixedDelay(access.tokens()::poll, TokenStore.POLL_MS, TokenStore.POLL_MS,
                    TimeUnit.MILLISECONDS);
            }
            // Clients gone for good (revoked tokens, addresses never seen again) leave no bucket behind.
            bossGroup.scheduleAtFixedRate(this::forgetFullBuckets, ClientRateLimiter.FORGET_FULL_PERIOD_MS,
                ClientRateLimiter.FORGET_FULL_PERIOD_MS, TimeUnit.MILLISECONDS);
            // A suppressed count is written once its reason's window has passed, even if no warning of it follows.
            bossGroup.scheduleAtFixedRate(overloadLog::flushSuppressed, OverloadLog.FLUSH_PERIOD_MS,
                OverloadLog.FLUSH_PERIOD_MS, TimeUnit.MILLISECONDS);
            bossGroup.scheduleAtFixedRate(new OutboundMemoryGuard(channels, directMemoryFit.outboundTotalLimitBytes(),
                counters, overloadLog), OutboundMemoryGuard.PERIOD_MS, OutboundMemoryGuard.PERIOD_MS,
                TimeUnit.MILLISECONDS);
            if (config.loopIsOnlyProducer())
            {
                // Before any connection: from here on a publish from any thread but the loop is refused, not a
                // corrupted ring (pipeline() is public; an embedder may try).
                ioGroup.next().submit(pipeline::bindProducer).syncUninterruptibly();
            }
            this.shipper = config.shipper().map(shipping -> EdgeShipper.start(pipeline.journal().orElseThrow(),
                config.dataDir(), shipping)).orElse(null);
            if (shipper != null)
            {
                metrics.shipping(shipper.edgeId(), shipper.counters());
            }
            this.udpSource = config.udpBind().map(address -> startUdp(address, countersFile)).orElse(null);
            if (udpSource != null)
            {
                metrics.udp(udpSource.counters());
            }
            // The pipeline started them (output.questdb, output.postgres, output.parquet: OutputFollowers).
            metrics.databaseSinks(SinkFollower.countersOf(pipeline.outputFollowers()));
            // Opened last, where a failure (its own or the bind's) closes everything started before it.
            this.auditLog = config.auditLog()
                .map(target -> AuditLogOutput.open(target, counters::auditDropped)).orElse(null);
            bind();
        }
        catch (final Throwable ex)
        {
            // An Error too: OutOfMemoryError "unable to create native thread" (ulimit -u) when a loop starts. Before,
            // it skipped this, and the loops already started kept the JVM alive, never listening, deaf to SIGTERM.
            try
            {
                closeQuietly(false); // no connection was taken: nothing to feed while the pipeline drains
            }
            catch (final Throwable closing)
            {
                ex.addSuppressed(closing);
            }
            throw ex;
        }
    }

    /**
     * Refuses to start when an insight of the manifest can be longer than the subscribers' shared buffer carries
     * (an eighth of {@code SUBSCRIBER_BUFFER_BYTES}): no live subscriber, nor the run registry's mirror, could be
     * sent it, and each would be closed at every such summary (a segment stage of many channels and percentiles).
     * The bound counts every number as wide as its type allows, so a manifest that starts fits every summary but
     * for the laps a session summary lists, which the session decides (up to 500, about 90 KB): a session summary
     * made longer by them closes its subscribers {@code output_too_long}.
     *
     * @throws GatewayConfigException naming the setting, both lengths, and the buffer that would carry it.
     */
    private static void refuseInsightsLongerThanSubscribersTake(final TelemetryPipeline pipeline)
    {
        final int longest = pipeline.longestInsightBytes();
        if (longest > pipeline.maxOutputBytes())
        {
            final long enough = Long.highestOneBit(8L * longest - 1) << 1;
            throw new GatewayConfigException(List.of(GatewaySetting.SUBSCRIBER_BUFFER_BYTES.label() + ": a summary " +
                "of " + GatewaySetting.MANIFEST.label() + " can be " + longest + " bytes, longer than the " +
                pipeline.maxOutputBytes() + " (an eighth of the buffer) a subscriber can be sent; set it to " +
                enough + " or more, or summarise fewer channels, statistics and percentiles"));
        }
    }

    private F1UdpSource startUdp(final InetSocketAddress address, final CountersFile countersFile)
    {
        try
        {
            final F1UdpSource source = F1UdpSource.start(pipeline, address, config.udpAllCars(),
                new F1UdpCounters(countersFile.manager()));
            LOG.info("receiving F1 UDP telemetry on {} ({})", source.localAddress(),
                config.udpAllCars() ? "every active car" : "the player's car");
            return source;
        }
        catch (final java.io.UncheckedIOException ex)
        {
            throw new GatewayConfigException(List.of(GatewaySetting.UDP_BIND.label() + ": " + ex.getMessage()));
        }
    }

    /** Where the F1 UDP source receives (the real port when UDP_BIND asked for port 0), or empty without it. */
    public java.util.Optional<InetSocketAddress> udpAddress()
    {
        return udpSource == null ? java.util.Optional.empty() : java.util.Optional.of(udpSource.localAddress());
    }

    /**
     * The DICTIONARY file, a refusal naming the setting. Before, only the path and why: "loop.yaml: cannot read:
     * loop.yaml: Too many levels of symbolic links" for a loop of symbolic links.
     */
    private static ParameterRegistry loadDictionary(final java.nio.file.Path file)
    {
        try
        {
            return ParameterRegistry.load(file);
        }
        catch (final DictionaryException ex)
        {
            throw new GatewayConfigException(List.of(GatewaySetting.DICTIONARY.label() + ": " + ex.getMessage()));
        }
    }

    private TuningPolicy loadTuningPolicy(final java.nio.file.Path file)
    {
        try
        {
            // With TRUST, the policy must be signed by a trusted key, as the manifest must; the text parsed is the
            // text verified.
            final TuningPolicy policy = config.trust().isEmpty() ? TuningPolicyLoader.load(file, registry) :
                TuningPolicyLoader.load(GatewayManifestLoader.verified(GatewaySetting.TUNING_POLICY, file,
                    config.trust()), registry);
            policy.warnings().forEach(warning -> LOG.warn("{}: {}", GatewaySetting.TUNING_POLICY.envName(), warning));
            LOG.info("tuning policy {} ({}): {} channel limit(s) enforced", policy.name(), file,
                policy.table().limits().size());
            return policy;
        }
        catch (final TuningPolicyException ex)
        {
            throw new GatewayConfigException(ex.problems().stream()
                .map(problem -> GatewaySetting.TUNING_POLICY.label() + ": " + problem).toList());
        }
    }

    /** The channel limits of the TUNING_POLICY, for the ingest path; null without a policy. */
    ChannelLimitTable tuningLimits()
    {
        return tuningPolicy == null ? null : tuningPolicy.table();
    }

    /** The policy's {@code max_sources_per_session} state shared by every loop, or null when it sets none. */
    SessionSourceLimit sessionSources()
    {
        return sessionSources;
    }

    /** The tuning policy's {@code frame_limits} ({@link FrameLimits#NONE} without a policy). */
    FrameLimits frameLimits()
    {
        return tuningPolicy == null ? FrameLimits.NONE : tuningPolicy.frameLimits();
    }

    /**
     * Locks {@value #LOCK_FILE} in the data directory, opens the journal, starts the pipeline and binds. The lock
     * comes first: a second gateway on the same directory would otherwise replace the first's counters file and
     * journal the same envelopes again under an idempotency window of its own. It is released by
     * {@link #shutdown()}, by a failed start, and by the operating system when the process dies.
     *
     * @throws GatewayConfigException if the data directory is held by another gateway, the manifest or dictionary
     *                                does not load, or the address cannot be bound.
     */
    public static GatewayServer start(final GatewayConfig config) throws InterruptedException
    {
        return start(config, null);
    }

    /**
     * Like {@link #start(GatewayConfig)}, with the embedded pipeline's stage threads made by {@code pipelineThreads}
     * (see {@code TelemetryPipelineBuilder#threadFactory}): for embedders who pin those threads to cores, and for
     * tests that hold them to stall the pipeline (the ring fills, nothing is journaled). The pipeline names the
     * threads and makes them daemons.
     *
     * @param pipelineThreads the factory, or null for plain threads.
     * @throws GatewayConfigException if the data directory is held by another gateway, the manifest or dictionary
     *                                does not load, or the address cannot be bound.
     */
    public static GatewayServer start(final GatewayConfig config, final ThreadFactory pipelineThreads)
        throws InterruptedException
    {
        return start(config, pipelineThreads, UnaryOperator.identity());
    }

    /**
     * Like {@link #start(GatewayConfig, ThreadFactory)}, with the event loops' thread factories passed through
     * {@code loopThreads}: for tests that make a loop's thread fail to start, as a thread limit does.
     */
    static GatewayServer start(final GatewayConfig config, final ThreadFactory pipelineThreads,
        final UnaryOperator<ThreadFactory> loopThreads) throws InterruptedException
    {
        final DataDirectoryLock lock;
        try
        {
            lock = DataDirectoryLock.acquire(config.dataDir(), LOCK_FILE, "gateway");
        }
        catch (final IllegalStateException ex)
        {
            throw new GatewayConfigException(List.of(GatewaySetting.DATA_DIR.label() + ": " + ex.getMessage()));
        }
        final GatewayServer server;
        try
        {
            server = new GatewayServer(config, pipelineThreads, loopThreads, lock);
        }
        catch (final RuntimeException | InterruptedException | Error ex)
        {
            lock.close();
            throw ex;
        }
        warnIfFdLimitTooLow(config);
        if (!config.security().tokensOn() && !server.address().getAddress().isLoopbackAddress())
        {
            LOG.warn("INSECURE: listening on {}, which is not a loopback address, without tokens ({} is set): " +
                "anyone who reaches it may ingest, subscribe and read metrics (docs/security.md)", server.address(),
                GatewaySetting.INSECURE.envName());
        }
        LOG.info("pitgun gateway listening on {} ({} transport, {}, ack mode {}, journal {}, manifest {})",
            server.address(), server.transport.name(), server.tls == null ? "plain HTTP" :
                "TLS " + GatewayTls.TLS_1_3 + "/" + GatewayTls.TLS_1_2 + " (" + server.tls.provider().text() +
                " provider) with " +
                server.tls.certificate().getSubjectX500Principal().getName() + ", valid until " +
                server.tls.certificate().getNotAfter(),
            config.ackMode().symbol(), config.journalDirectory(),
            config.manifest().map(Path::toString).orElse("built-in"));
        return server;
    }

    /**
     * Once, at start: warns when {@code MAX_CONNECTIONS} does not fit in the process's file-descriptor limit, since
     * then the limit, not the cap, bounds connections, and a client past it waits unaccepted instead of being
     * refused ({@link ConnectionAdmission#fdLimitWarning}). Measured after the bind: the journal, the counters file,
     * the class path's jars and the event loops' descriptors are open by then.
     */
    private static void warnIfFdLimitTooLow(final GatewayConfig config)
    {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof
            com.sun.management.UnixOperatingSystemMXBean os)
        {
            final String warning = ConnectionAdmission.fdLimitWarning(config.maxConnections(),
                os.getOpenFileDescriptorCount(), os.getMaxFileDescriptorCount());
            if (warning != null)
            {
                LOG.warn(warning);
            }
        }
    }

    private void bind() throws InterruptedException
    {
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(bossGroup, ioGroup)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .handler(connectionAdmission)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                directMemoryFit.connection().highWaterBytes() / 2, directMemoryFit.connection().highWaterBytes()))
            .childHandler(new GatewayChannelInitializer(this, channels));
        try
        {
            serverChannel = bootstrap.bind(config.bind()).sync().channel();
        }
        catch (final Exception ex)
        {
            if (ex instanceof InterruptedException)
            {
                throw (InterruptedException)ex;
            }
            throw new GatewayConfigException(List.of(GatewaySetting.BIND.label() +
                ": cannot listen on " + config.bind() + ": " + ex.getMessage()));
        }
    }

    /** The address actually bound (with the real port when the configuration asked for port 0). */
    public InetSocketAddress address()
    {
        return (InetSocketAddress)serverChannel.localAddress();
    }

    /** The configuration. */
    public GatewayConfig config()
    {
        return config;
    }

    /** The embedded pipeline. */
    public TelemetryPipeline pipeline()
    {
        return pipeline;
    }

    /** The access levels of the pipeline's channels (shared by every event loop). */
    ChannelAccess channelAccess()
    {
        return channelAccess;
    }

    /** What {@code /health} reports. */
    GatewayHealth health()
    {
        return health;
    }

    /** The TLS context, or null when the gateway speaks plain HTTP. */
    GatewayTls tls()
    {
        return tls;
    }

    /** The caps on TLS handshakes in progress, or null when the gateway speaks plain HTTP. */
    TlsHandshakeAdmission tlsHandshakes()
    {
        return tlsHandshakes;
    }

    /** The gateway's counters. */
    public GatewayCounters counters()
    {
        return counters;
    }

    /** {@code epoll} or {@code nio}. */
    public String transportName()
    {
        return transport.name();
    }

    /** True once a shutdown began. */
    public boolean isDraining()
    {
        return draining.get();
    }

    ParameterRegistry registry()
    {
        return registry;
    }

    /** Event ids the idempotency window restored from the journal at start (see docs/gateway.md, Idempotency). */
    public long restoredEventIds()
    {
        return counters.idempotencyRestored.sum();
    }

    IdempotencyWindow idempotencyWindow()
    {
        return idempotencyWindow;
    }

    /** Who may do what (tokens, origins, trusted proxies). */
    GatewayAccess access()
    {
        return access;
    }

    ClientRateLimiter rateLimiter()
    {
        return rateLimiter;
    }

    /** Whether the JVM's direct memory is nearly all taken. */
    DirectMemoryPressure directMemory()
    {
        return directMemory;
    }

    /** {@code PARTIAL_MESSAGE_BUDGET_BYTES} as used ({@link DirectMemoryFit}). */
    long partialMessageBudgetBytes()
    {
        return directMemoryFit.partialMessageBudgetBytes();
    }

    /**
     * A connection's bounds on its unsent bytes as used: the settings, inside {@code OUTBOUND_TOTAL_LIMIT_BYTES} as
     * used ({@link DirectMemoryFit}).
     */
    DirectMemoryFit.Connection connectionBounds()
    {
        return directMemoryFit.connection();
    }

    /** Whether {@code PARTIAL_MESSAGE_BUDGET_BYTES} was lowered at start to fit the JVM's direct memory. */
    boolean partialMessageBudgetLowered()
    {
        return directMemoryFit.lowered() != null;
    }

    /**
     * The largest request body taken: {@code MAX_BODY_BYTES}, or less when the partial-message budget in use cannot
     * hold it ({@link DirectMemoryFit#largestBodyBytes}).
     */
    int largestBodyBytes()
    {
        return directMemoryFit.largestBodyBytes(config.maxBodyBytes(), config.maxHeaderBytes());
    }

    /** Every open connection. */
    ChannelGroup channels()
    {
        return channels;
    }

    OverloadLog overloadLog()
    {
        return overloadLog;
    }

    GatewayMetrics metrics()
    {
        return metrics;
    }

    LatencyExport latencyExport()
    {
        return latencyExport;
    }

    DictionaryDocuments dictionaryDocuments()
    {
        return dictionaryDocuments;
    }

    SchemaCatalog schemas()
    {
        return schemas;
    }

    private void forgetFullBuckets()
    {
        final long nowNs = System.nanoTime();
        rateLimiter.forgetFull(nowNs);
        auditBudget.forgetFull(nowNs);
    }

    /** The budget of audit lines for requests that cost their client nothing ({@link AuditBudget}). */
    AuditBudget auditBudget()
    {
        return auditBudget;
    }

    ClasspathResources solverFiles()
    {
        return solverFiles;
    }

    LivePage livePage()
    {
        return livePage;
    }

    RunRegistryMirror registryMirror()
    {
        return registryMirror;
    }

    /** Reads the journal's tail off the event loops, or null without a journal. */
    JournalTailReader journalTailReader()
    {
        return journalTailReader;
    }

    long uptimeNs()
    {
        return System.nanoTime() - startedNs;
    }

    /** The calling event loop's ingest state. */
    IngressThreadState threadState(final EventLoop loop)
    {
        IngressThreadState state = threadState.get();
        if (state == null)
        {
            state = new IngressThreadState(this, loop);
            threadState.set(state);
        }
        return state;
    }

    /**
     * Graceful shutdown: stop accepting; answer every admitted request (waiting for the journal in journaled mode)
     * for at most {@code SHUTDOWN_TIMEOUT_S}; close every connection but the live subscribers (WebSocket clients get
     * close code 1001), so that the event loops publish no more; stop the UDP source, the other producer of the ring;
     * drain the ring (at most {@code SHUTDOWN_TIMEOUT_S} more; a stuck pipeline stage is then abandoned and counted)
     * while the event loops go on feeding the live subscribers; close those with 1001 once every output of the drain
     * (the summaries of the laps and sessions it ends) is written to them (within the drain's
     * {@code SHUTDOWN_TIMEOUT_S}, at least 1 s: the ones still open then are cut, counted); stop the event loops;
     * close the journal. When a connection does not close in time (a stuck event loop, which might still publish),
     * the event loops are stopped before the drain, as a single-producer ring's sequencer is not thread-safe, and the
     * subscribers are cut. Idempotent; blocks until done: a second or concurrent caller returns only when the first
     * caller's shutdown has finished.
     */
    public void shutdown()
    {
        if (!draining.compareAndSet(false, true))
        {
            // Another caller is shutting down: return when it has finished, not before (its deadlines bound this).
            stopped.join();
            return;
        }
        try
        {
            drainAndClose();
        }
        finally
        {
            stopped.complete(null);
        }
    }

    private void drainAndClose()
    {
        LOG.info("pitgun gateway draining: no new connections; answering admitted requests");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.shutdownTimeoutS());
        if (serverChannel != null)
        {
            serverChannel.close().syncUninterruptibly();
        }
        while (counters.inFlightEnvelopes.get() > 0 && System.nanoTime() - deadline < 0)
        {
            sleepMs(5);
        }
        if (counters.inFlightEnvelopes.get() > 0)
        {
            LOG.warn("shutdown timeout: {} envelopes were still awaiting their answer", counters.inFlightEnvelopes.get());
        }
        final boolean loopsPublishNoMore = closeAllButSubscribers(deadline);
        final int failures = closeQuietly(loopsPublishNoMore);
        overloadLog.flushAtShutdown(); // after the subscribers: one cut as too slow while the drain's outputs went
        final String unclean = journalNotWhole().orElse(null);
        if (failures == 0 && unclean == null)
        {
            LOG.info("pitgun gateway stopped: {} frames published, journal closed", counters.framesAccepted());
        }
        else if (failures == 0)
        {
            LOG.error("pitgun gateway stopped: {} frames published, journal closed, but {}", counters.framesAccepted(),
                unclean);
        }
        else
        {
            LOG.error("pitgun gateway stopped: {} frames published; {} shutdown step(s) failed (logged above){}",
                counters.framesAccepted(), failures, unclean == null ? "" : "; " + unclean);
        }
    }

    /**
     * Why the journal does not hold this run as a clean stop, in words, if so: the journal failed while the gateway
     * ran or as it stopped ({@link TelemetryPipeline#journalFailure()}), or the stop could not journal that the
     * pipeline drained ({@link TelemetryPipeline#drainUnrecorded()}). The stop is then logged at ERROR with it (before,
     * at INFO as a clean one, the stage error alone above it), and {@code pitgun gateway} exits 1. Empty otherwise,
     * also before the stop.
     */
    public Optional<String> journalNotWhole()
    {
        final Throwable failure = pipeline.journalFailure().orElse(null);
        if (failure != null)
        {
            return Optional.of("the journal failed while the gateway ran or stopped (" + failure + "): the frames it " +
                "had not taken by then are not in it");
        }
        return pipeline.drainUnrecorded().map(unrecorded -> "the stop could not journal that the pipeline drained (" +
            unrecorded + "): a replay takes this run for one killed, without the summaries the drain emitted");
    }

    /**
     * Closes every connection but the live subscribers, each the way its protocol wants, until {@code deadline};
     * true when all have closed: then no event loop publishes into the ring any more (every publish is a connection's
     * read, on its loop, and new requests are refused {@code draining}), and the loops may run on during the drain.
     */
    private boolean closeAllButSubscribers(final long deadline)
    {
        final List<ChannelFuture> goingAway = new ArrayList<>();
        for (final Channel channel : channels)
        {
            final GatewayHttpHandler.Closer closer = channel.attr(GatewayHttpHandler.CLOSER).get();
            if (closer != null && !closer.subscriber())
            {
                closer.goingAway();
                goingAway.add(channel.closeFuture());
            }
        }
        // WebSocket clients first get their close frame behind every answer and close their side (LingeringClose):
        // closing them at once would drop both. Within the shutdown's deadline: past it, they are closed at once.
        final long lingerFor = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LingeringClose.LINGER_MS + 200);
        final long lingerEnd = lingerFor - deadline < 0 ? lingerFor : deadline;
        for (final ChannelFuture closed : goingAway)
        {
            closed.awaitUninterruptibly(Math.max(0, TimeUnit.NANOSECONDS.toMillis(lingerEnd - System.nanoTime())));
        }
        for (final Channel channel : channels)
        {
            final GatewayHttpHandler.Closer closer = channel.attr(GatewayHttpHandler.CLOSER).get();
            if (closer != null && !closer.subscriber() && channel.isOpen())
            {
                closer.cut(); // counts what the close below cuts short; a task on its loop, ahead of the close's
            }
        }
        return channels.close(channel -> !isSubscriber(channel))
            .awaitUninterruptibly(Math.max(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    }

    private static boolean isSubscriber(final Channel channel)
    {
        final GatewayHttpHandler.Closer closer = channel.attr(GatewayHttpHandler.CLOSER).get();
        return closer != null && closer.subscriber();
    }

    /**
     * Closes the live subscribers with 1001, each once its loop has written it every output the pipeline made
     * ({@link WebSocketSubscriberHandler#goingAway}), waiting for them until {@code deadline}: the ones still open
     * then (a client that does not read) are cut, closed at once, counted and logged.
     */
    private void closeSubscribers(final long deadline)
    {
        final List<ChannelFuture> goingAway = new ArrayList<>();
        for (final Channel channel : channels)
        {
            if (isSubscriber(channel))
            {
                channel.attr(GatewayHttpHandler.CLOSER).get().goingAway();
                goingAway.add(channel.closeFuture());
            }
        }
        int cut = 0;
        for (final ChannelFuture closed : goingAway)
        {
            final long leftMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            if (!closed.awaitUninterruptibly(leftMs))
            {
                cut++;
            }
        }
        cutSubscribers(cut);
    }

    /** Closes the live subscribers still open at once, {@code cut} of them, counted and logged. */
    private void cutSubscribers(final int cut)
    {
        if (cut > 0)
        {
            counters.subscribersCutAtShutdown.add(cut);
            LOG.warn("shutdown: {} live subscriber(s) cut, closed before what was owed to them and their close 1001 " +
                "were written", cut);
            channels.close(GatewayServer::isSubscriber).awaitUninterruptibly(100);
        }
    }

    /**
     * Stops everything once; returns how many steps failed (each logged), 0 when the journal closed cleanly.
     *
     * @param loopsPublishNoMore every connection but the live subscribers has closed: the event loops feed those
     *                           during the drain and stop after it; otherwise they stop before it.
     */
    private int closeQuietly(final boolean loopsPublishNoMore)
    {
        if (!closed.compareAndSet(false, true))
        {
            return 0;
        }
        final CloseSequence close = new CloseSequence(LOG);
        try
        {
            if (!loopsPublishNoMore)
            {
                close.step("the live subscribers", () -> cutSubscribers(countSubscribers()));
                stopEventLoops(close);
            }
            if (journalTailReader != null)
            {
                // After its users, the ingest connections; before the journal closes.
                close.step("the journal tail reader", journalTailReader::close);
            }
            if (udpSource != null)
            {
                close.step("the F1 UDP source", udpSource::close); // a producer: stopped before the pipeline drains
            }
            if (shipper != null)
            {
                // Before the journal it reads; it resumes from the hive's word at the next start.
                close.step("the edge shipper", shipper::close);
            }
            // Bounded: a stuck stage is abandoned (counted in pitgun_stage_threads_abandoned_total) after this.
            final long drainStart = System.nanoTime();
            close.step("the pipeline", () -> pipeline.close(TimeUnit.SECONDS.toNanos(config.shutdownTimeoutS())));
            if (loopsPublishNoMore)
            {
                // After the pipeline: its close flushes the open laps and sessions, and subscribers get those too.
                // Within the drain's own SHUTDOWN_TIMEOUT_S (a drain takes milliseconds), so that a subscriber that
                // does not read adds nothing to a stop's bound; at least a linger's time after a drain that took it
                // all.
                final long deadline = Math.max(drainStart + TimeUnit.SECONDS.toNanos(config.shutdownTimeoutS()),
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LingeringClose.LINGER_MS));
                close.step("the live subscribers", () -> closeSubscribers(deadline));
                stopEventLoops(close);
            }
            // After the pipeline: its close flushes the open laps and sessions, and those summaries are mirrored too.
            if (registryMirror != null)
            {
                close.step("the run-registry mirror", registryMirror::close);
            }
            if (auditLog != null)
            {
                close.step("the audit log", auditLog::close); // the drain's answers are audited too
            }
        }
        finally
        {
            // Whatever escaped the steps (an Error): the directory's lock is still settled.
            if (pipeline.counters().get(PipelineCounter.STAGE_THREADS_ABANDONED) > 0)
            {
                // The pipeline left its journal open to an abandoned stage, which may still append: no other
                // gateway may journal here before this process exits.
                dataDirectoryLock.holdUntilExit();
                LOG.error("{} stays locked until this process exits: the pipeline left its journal open",
                    dataDirectoryLock.file());
            }
            dataDirectoryLock.close(); // last: another gateway may take the directory from here on
        }
        return close.failures();
    }

    /** Live subscribers open now. */
    private int countSubscribers()
    {
        int open = 0;
        for (final Channel channel : channels)
        {
            open += channel.isActive() && isSubscriber(channel) ? 1 : 0;
        }
        return open;
    }

    /** Stops the event loops, each null when the start failed before it was made. */
    private void stopEventLoops(final CloseSequence close)
    {
        if (ioGroup != null)
        {
            close.step("the event loops", () -> stopLoops(ioGroup));
        }
        if (bossGroup != null)
        {
            close.step("the accepting loop", () -> stopLoops(bossGroup));
        }
    }

    /**
     * Shuts down every loop of {@code group} and waits until they have stopped (each within its 2 s timeout, unless
     * a task never returns). A loop whose thread never
     * started is given one to stop on; when no thread can be made (the limit that failed the start), Netty marks it
     * terminated and throws that Error: it had nothing to stop, and the loops after it still are stopped (a
     * group's own shutdown would leave them, and with them the JVM, running).
     */
    private static void stopLoops(final EventLoopGroup group)
    {
        for (final io.netty.util.concurrent.EventExecutor loop : group)
        {
            try
            {
                loop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            }
            catch (final OutOfMemoryError ex)
            {
                LOG.warn("event loop {} never started and could not be given a thread to stop on: {}", loop, ex.toString());
            }
        }
        // Each loop's own termination, not the group's: Netty completes the group's in a listener run on its
        // GlobalEventExecutor, whose thread is made then, and where no thread can be made (ulimit -u) it never
        // completes (SIGTERM drained, then waited here for good). Awaiting a future needs no listener.
        for (final io.netty.util.concurrent.EventExecutor loop : group)
        {
            loop.terminationFuture().awaitUninterruptibly();
        }
    }

    private static void sleepMs(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** Same as {@link #shutdown()}. */
    @Override
    public void close()
    {
        shutdown();
    }
}
