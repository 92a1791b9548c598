package io.pitgun.cli;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.schemas.signing.SignatureRefusedException;
import io.pitgun.schemas.signing.SignatureVerifier;
import io.pitgun.schemas.signing.TrustedKeys;
import io.pitgun.schemas.signing.VerifiedDocument;
import io.pitgun.scaleout.Hive;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.scaleout.HivePipeline;
import io.pitgun.scaleout.AeronIdleStrategy;
import io.pitgun.scaleout.AeronUdpChannel;
import io.pitgun.scaleout.Hive;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.scaleout.HiveMetricsServer;
import io.pitgun.scaleout.ShipperConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code pitgun hive}: receives the journals edges ship ({@code pitgun gateway --ship-to}) over Aeron, records the
 * stream with Aeron Archive and keeps one journal per edge ({@code DATA_DIR/edges/EDGE_ID/journal}, read by
 * {@code pitgun journal ...}), exactly once, and runs the engine pipeline over each, live, into
 * {@code DATA_DIR/edges/EDGE_ID/derived.jsonl}, until SIGTERM or SIGINT. See docs/scale-out.md.
 */
@Command(
    name = "hive",
    mixinStandardHelpOptions = true,
    description = {
        "Run a hive: take the journals edge gateways ship over Aeron UDP, one journal per edge, and derive each.",
        "The edges ship with pitgun gateway --ship-to; the hive records the stream with Aeron Archive",
        "(DATA_DIR/archive), keeps one journal per edge (DATA_DIR/edges/EDGE_ID/journal), each frame once, and runs",
        "the engine pipeline (--manifest) over each journal, live, into DATA_DIR/edges/EDGE_ID/derived.jsonl.",
        "See docs/scale-out.md."
    },
    subcommands = HiveStatusCommand.class,
    exitCodeList = {"0:stopped (SIGTERM/SIGINT)", "1:the hive could not start",
        "3:stopped: Aeron closed its client (the process stood still past the media driver's timeout); start it again"})
public final class HiveCommand implements Callable<Integer>
{
    /** Exit status when Aeron closed the hive's client ({@link Hive#aeronClientClosed()}). */
    static final int EXIT_AERON_CLOSED = 3;
    /** How often the waiting command thread asks whether Aeron closed the hive's client. */
    private static final long AERON_CHECK_INTERVAL_MS = 1_000;

    // Checked in call(), not by picocli: 'pitgun hive status' must not need it.
    @Option(names = "--listen", paramLabel = "CHANNEL",
        description = "Aeron channel to receive on, e.g. aeron:udp?endpoint=127.0.0.1:40456 (the edges' --ship-to).")
    String listen;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./hive-data",
        description = "Where the edges' journals and the archive live. Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--stream-id", paramLabel = "ID", defaultValue = "" + ShipperConfig.DEFAULT_STREAM_ID,
        description = "The shipping stream id. Default: ${DEFAULT-VALUE}.")
    int streamId;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "The embedded media driver's directory. Default: under /dev/shm when it exists, else DATA_DIR/aeron.")
    Path aeronDir;

    @Option(names = "--record", paramLabel = "1|0", defaultValue = "1",
        description = "1 to record the stream with Aeron Archive (the raw record of what arrived), 0 not to. Default: ${DEFAULT-VALUE}.")
    int record;

    @Option(names = "--derive", paramLabel = "1|0", defaultValue = "1",
        description = "1 to run the engine pipeline over each edge's journal, live, into " +
            "DATA_DIR/edges/EDGE_ID/" + HiveConfig.DERIVED_FILE + " (what 'pitgun journal replay --edge-positions' " +
            "of that journal writes), 0 not to. Default: ${DEFAULT-VALUE}.")
    int derive;

    @Option(names = "--manifest", paramLabel = "M",
        description = "The manifest the hive runs over each edge's journal. Default: the gateway's built-in " +
            "manifest (" + GatewayServer.DEFAULT_MANIFEST_RESOURCE + ", what edges run when given none).")
    Path manifest;

    @Option(names = "--dictionary", paramLabel = "D",
        description = "Dictionary file the manifest refers to (default: the shipped sim.v1).")
    Path dictionary;

    @Option(names = "--trust", split = ",", paramLabel = "PUB", description = "Trusted public key files: --manifest " +
        "must carry a valid signature (M.sig) by one of them, or the hive does not start; its insights then name " +
        "the signer (signer_key_id), as a gateway's with --trust do.")
    List<Path> trust;

    @Option(names = "--config", paramLabel = "C",
        description = "Pipeline configuration YAML for the derived output (merging, max_frame_bytes, ...); its " +
            "journal, ack_mode and output keys but output.include_restricted are ignored, as in 'pitgun journal " +
            "replay'.")
    Path pipelineConfig;
    @Option(names = "--idle-strategy", paramLabel = "KIND", defaultValue = "backoff",
        completionCandidates = IdleStrategies.class,
        description = "How the hive's writer, media driver and archive wait when idle: one of " +
            "${COMPLETION-CANDIDATES} (busy_spin only with cores to spare). Default: ${DEFAULT-VALUE}.")
    String idleStrategy;

    /** The --idle-strategy choices, as {@link AeronIdleStrategy} spells them. */
    static final class IdleStrategies implements Iterable<String>
    {
        @Override
        public Iterator<String> iterator()
        {
            return Arrays.stream(AeronIdleStrategy.values()).map(AeronIdleStrategy::text).iterator();
        }
    }

    @Option(names = "--socket-rcvbuf", paramLabel = "BYTES",
        defaultValue = "" + HiveConfig.DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES,
        description = "The listening UDP socket's receive buffer (SO_RCVBUF), shared by every edge's stream: room " +
            "for each edge's receiver window (128 KiB) spares NAKs and resends; capped by the kernel's " +
            "net.core.rmem_max. Default: ${DEFAULT-VALUE}.")
    int socketRcvbuf;

    @Option(names = "--max-edges", paramLabel = "N", defaultValue = "" + HiveConfig.DEFAULT_MAX_EDGES,
        description = "Most edges the hive holds at once: each has an open journal, a reply publication and, " +
            "deriving, a pipeline with a thread of its own. A new edge id at the bound releases an edge whose " +
            "connection has gone (pitgun_hive_edges_released_total); with none gone its batches are ignored and " +
            "counted (pitgun_hive_edges_refused_total). Default: ${DEFAULT-VALUE}.")
    int maxEdges;

    @Option(names = "--max-edge-directories", paramLabel = "N",
        defaultValue = "" + HiveConfig.DEFAULT_MAX_EDGE_DIRECTORIES,
        description = "Without --edge-secrets (loopback, or --insecure): most edge directories (journals) in the " +
            "data directory; at the bound a batch of an edge id without one is ignored and counted " +
            "(pitgun_hive_edge_directories_refused_total), so made-up ids cannot fill the disk. Remove retired " +
            "edges' directories (counted again within a second) or raise it. Default: ${DEFAULT-VALUE}.")
    int maxEdgeDirectories;

    @Option(names = "--archive-max-recording-bytes", paramLabel = "BYTES",
        defaultValue = "" + HiveConfig.DEFAULT_MAX_LIVE_RECORDING_BYTES,
        description = "Most bytes one Archive recording being written may hold; then the stream's recording " +
            "restarts and the finished recordings are purged (the journals are the record). Default: ${DEFAULT-VALUE}.")
    long archiveMaxRecordingBytes;

    @Option(names = "--metrics-bind", paramLabel = "HOST:PORT",
        description = "Serve the hive's counters (Prometheus text) at http://HOST:PORT/metrics; port 0 takes a free " +
            "one (printed). Loopback only unless --metrics-allow-non-loopback. Default: off.")
    String metricsBind;

    @Option(names = "--edge-secrets", paramLabel = "FILE",
        description = "File of edge secrets, one 'EDGE_ID SECRET' a line (secrets of at least 32 characters): each " +
            "edge's batches must carry an HMAC-SHA256 under its secret (its gateway's SHIP_SECRET_FILE); batches of " +
            "edges not listed, unsigned or forged are refused and counted; read again within a second of a change " +
            "(replace it by a rename) (docs/scale-out.md)")
    Path edgeSecrets;

    @Option(names = "--insecure",
        description = "Without --edge-secrets, take unauthenticated batches from any host (default: only from " +
            "loopback); anyone who reaches the port can then write any edge's journal")
    boolean insecure;

    @Option(names = "--metrics-allow-non-loopback",
        description = "Allow --metrics-bind on an address other than loopback.")
    boolean metricsAllowNonLoopback;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        // From the JVM's start to here: what a slow start spends before the hive's own phases (logged by the hive).
        final long jvmMs = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        final long commandStartNs = System.nanoTime();
        if (listen == null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--listen=CHANNEL'");
        }
        // Before, any other number was taken: --record=2 recorded, --derive=-1 derived, with no word.
        for (final Object[] option : new Object[][] {{"--record", record}, {"--derive", derive}})
        {
            if ((Integer)option[1] != 0 && (Integer)option[1] != 1)
            {
                throw new CommandLine.ParameterException(spec.commandLine(), option[0] + ": " + option[1] +
                    " must be 1 or 0");
            }
        }
        final AeronIdleStrategy idle;
        try
        {
            idle = AeronIdleStrategy.parse(idleStrategy);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--idle-strategy: " + ex.getMessage());
        }
        final InetSocketAddress metricsAddress = metricsBind == null ? null : metricsAddress();
        final HiveConfig config;
        try
        {
            config = new HiveConfig(listen, streamId, dataDir, aeronDir, record != 0, idle, socketRcvbuf,
                maxEdges, maxEdgeDirectories, archiveMaxRecordingBytes, edgeSecrets == null ? null :
                io.pitgun.scaleout.EdgeSecrets.read(edgeSecrets), insecure);
            // The hive binds the listen address: a host that does not resolve is refused before anything starts.
            final List<String> unresolved = AeronUdpChannel.unresolvedHosts(listen);
            if (!unresolved.isEmpty())
            {
                throw new IllegalArgumentException(HiveConfig.listenProblem(listen, unresolved));
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        final HivePipeline pipeline;
        try
        {
            pipeline = derive == 0 ? null : pipeline();
        }
        catch (final ManifestException | SignatureRefusedException ex)
        {
            spec.commandLine().getErr().println(ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        final long hiveStartNs = System.nanoTime();
        final Hive hive = Hive.start(config, pipeline);
        final long hiveStartedNs = System.nanoTime();
        final HiveMetricsServer metrics;
        try
        {
            metrics = metricsAddress == null ? null : HiveMetricsServer.start(hive, metricsAddress);
        }
        catch (final RuntimeException ex)
        {
            hive.close();
            throw ex;
        }
        spec.commandLine().getOut().println("pitgun hive: listening on " + listen + " stream " + streamId +
            ", edges' journals under " + dataDir.resolve(HiveConfig.EDGES_DIRECTORY) +
            (pipeline == null ? ", no derived output" : ", derived output (" + pipeline.manifest().manifest().name() +
                ") beside each in " + HiveConfig.DERIVED_FILE) + "; SIGTERM or Ctrl-C stops it");
        spec.commandLine().getErr().printf(java.util.Locale.ROOT, "pitgun hive: started in %.1f s (JVM %.1f s, " +
                "options and pipeline %.1f s, hive %.1f s: its phases are on the line 'hive start:')%n",
            jvmMs / 1e3 + (hiveStartedNs - commandStartNs) / 1e9, jvmMs / 1e3, (hiveStartNs - commandStartNs) / 1e9,
            (hiveStartedNs - hiveStartNs) / 1e9);
        if (edgeSecrets == null)
        {
            spec.commandLine().getErr().println(insecure ?
                "pitgun hive: WARNING: --insecure without --edge-secrets: batches from any host are taken " +
                    "unauthenticated; anyone who reaches the port can write any edge's journal" :
                "pitgun hive: no --edge-secrets: batches are taken only from loopback (docs/scale-out.md, " +
                    "Authentication)");
        }
        if (metrics != null)
        {
            spec.commandLine().getOut().println("pitgun hive: metrics on http://" +
                metrics.address().getAddress().getHostAddress() + ":" + metrics.address().getPort() +
                HiveMetricsServer.PATH);
        }
        spec.commandLine().getOut().flush();
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = SignalExit.install("pitgun-hive-shutdown", () ->
        {
            if (metrics != null)
            {
                metrics.close();
            }
            hive.close();
            stopped.countDown();
            return 0;
        });
        while (!stopped.await(AERON_CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS))
        {
            if (hive.aeronClientClosed())
            {
                return stopAfterAeronClosed(hook);
            }
        }
        return 0;
    }

    /**
     * Stops a hive whose Aeron client Aeron closed ({@link Hive#aeronClientClosed()}): it would run on taking nothing,
     * its {@code /metrics} still served, so that nothing but the edges' lag showed it. A new start resumes where its
     * record ends; a supervisor restarts it on the exit status.
     */
    private int stopAfterAeronClosed(final Thread hook)
    {
        spec.commandLine().getErr().println("pitgun hive: stopping: Aeron closed the hive's client (the process " +
            "stood still past its media driver's timeout: SIGSTOP, a suspended VM, a long pause), so it takes no " +
            "batch any more; start it again (it resumes where its record ends), status " + EXIT_AERON_CLOSED);
        spec.commandLine().getErr().flush();
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException shuttingDown)
        {
            return EXIT_AERON_CLOSED; // the hook is running already: it stops the hive
        }
        hook.run();
        return EXIT_AERON_CLOSED;
    }

    /** The pipeline of --manifest, --dictionary and --config; the gateway's built-in manifest without --manifest. */
    private HivePipeline pipeline() throws ManifestException, IOException
    {
        final CompiledManifest compiled;
        VerifiedDocument source = null;
        if (trust != null && manifest == null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--trust needs --manifest (the built-in manifest carries no signature)");
        }
        if (trust != null)
        {
            source = new SignatureVerifier(TrustedKeys.load(trust)).read(manifest);
            compiled = ManifestCommand.compile(source, dictionary);
        }
        else if (manifest != null)
        {
            compiled = ManifestCommand.compile(manifest, dictionary);
        }
        else if (dictionary != null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--dictionary needs --manifest (the built-in manifest derives sim.v1 channels)");
        }
        else
        {
            try (InputStream in = HiveCommand.class.getClassLoader()
                .getResourceAsStream(GatewayServer.DEFAULT_MANIFEST_RESOURCE))
            {
                if (in == null)
                {
                    throw new IllegalStateException("the built-in manifest " +
                        GatewayServer.DEFAULT_MANIFEST_RESOURCE + " is missing");
                }
                compiled = ManifestCompiler.compile(ManifestLoader.parse(
                    Path.of(GatewayServer.DEFAULT_MANIFEST_RESOURCE),
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)), ParameterRegistry.simV1());
            }
        }
        return new HivePipeline(compiled,
            pipelineConfig == null ? PipelineConfig.defaults() : PipelineConfig.fromYamlForReplay(pipelineConfig),
            source);
    }

    /** --metrics-bind as an address, refused (a usage error) unless loopback or allowed. */
    private InetSocketAddress metricsAddress()
    {
        final int colon = metricsBind.lastIndexOf(':');
        if (colon <= 0)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--metrics-bind: '" + metricsBind +
                "' must be HOST:PORT, e.g. 127.0.0.1:9464");
        }
        final InetSocketAddress address;
        try
        {
            final String host = metricsBind.substring(0, colon).replace("[", "").replace("]", "");
            address = new InetSocketAddress(InetAddress.getByName(host),
                Integer.parseInt(metricsBind.substring(colon + 1)));
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--metrics-bind: '" + metricsBind +
                "' must be HOST:PORT, e.g. 127.0.0.1:9464 (" + ex.getMessage() + ")");
        }
        if (!address.getAddress().isLoopbackAddress() && !metricsAllowNonLoopback)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--metrics-bind: '" + metricsBind +
                "' is not a loopback HOST:PORT; add --metrics-allow-non-loopback to serve the counters beyond " +
                "this machine");
        }
        return address;
    }
}
