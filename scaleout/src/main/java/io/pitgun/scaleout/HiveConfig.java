package io.pitgun.scaleout;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a hive listens and where it keeps what it receives.
 *
 * @param listenChannel  the channel edges ship to, e.g. {@code aeron:udp?endpoint=127.0.0.1:40456}.
 * @param streamId       the shipping stream id ({@link ShipperConfig#DEFAULT_STREAM_ID}).
 * @param dataDirectory  the hive's directory: {@code edges/<edge-id>/journal} (and {@value #DERIVED_FILE}) per
 *                       edge, {@code archive} for the Aeron Archive recording of the shipping stream.
 * @param aeronDirectory the embedded media driver's directory, or null for {@link AeronDirectories#forRole}.
 * @param record         record the shipping stream with Aeron Archive (the raw record of what arrived).
 * @param idleStrategy   how the hive's writer, its media driver and its archive wait when idle.
 * @param socketReceiveBufferBytes the listening UDP socket's receive buffer ({@code SO_RCVBUF}), which every edge's
 *                       stream shares: {@link #DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES}.
 * @param maxEdges       most edges the hive holds at once ({@link #DEFAULT_MAX_EDGES}): a new edge id at the bound
 *                       releases an edge whose connection has gone, or else its batches are ignored and counted, so
 *                       made-up ids cannot hold journals and threads open without bound.
 * @param maxEdgeDirectories most edge directories under {@code DATA_DIR/edges} that unauthenticated batches (no
 *                       {@code edgeSecrets}: loopback, or {@code insecure}) may bring about
 *                       ({@link #DEFAULT_MAX_EDGE_DIRECTORIES}): at the bound, a batch of an edge id without a
 *                       directory is ignored and counted, so made-up ids cannot fill the disk with journals. With
 *                       secrets, only the edges listed make directories.
 * @param maxLiveRecordingBytes the most bytes one Archive recording being written may hold before the stream's
 *                       recording restarts ({@link #DEFAULT_MAX_LIVE_RECORDING_BYTES}, {@code ArchiveRetention}).
 * @param edgeSecrets    each edge's shared secret ({@code --edge-secrets}): a batch must then carry a valid
 *                       HMAC-SHA256 under its edge's secret, and an edge not listed is refused; null: none.
 * @param insecure       without {@code edgeSecrets}, take unauthenticated batches from any host, not only loopback.
 */
public record HiveConfig(String listenChannel, int streamId, Path dataDirectory, Path aeronDirectory, boolean record,
    AeronIdleStrategy idleStrategy, int socketReceiveBufferBytes, int maxEdges, int maxEdgeDirectories,
    long maxLiveRecordingBytes, EdgeSecrets edgeSecrets, boolean insecure)
{
    /** 1 GiB: an edge connected for weeks would otherwise grow its recording without bound. */
    public static final long DEFAULT_MAX_LIVE_RECORDING_BYTES = 1L << 30;
    /** Most edges by default: each has an open journal, a publication and, deriving, a pipeline with a thread. */
    public static final int DEFAULT_MAX_EDGES = 64;
    /**
     * Most edge directories unauthenticated batches may bring about by default: 16 times {@link #DEFAULT_MAX_EDGES},
     * room for a fleet's edges replaced many times over, while a flood of made-up ids stops there.
     */
    public static final int DEFAULT_MAX_EDGE_DIRECTORIES = 1_024;
    /**
     * 2 MiB. Every edge's stream arrives on the hive's one listening socket, and each may have a receiver window
     * (Aeron's default, 128 KiB) in flight: a buffer smaller than the windows together overflows in the kernel, and
     * each datagram dropped there costs a NAK and a resend (measured with the shipping benchmark on 2 cores: 3 edges
     * at 36-40 % of bare Aeron with Aeron's default 128 KiB, 56 % with 2 MiB; bare Aeron ran with the same buffer).
     * 2 MiB holds 16 windows; the kernel caps it at {@code net.core.rmem_max}, and Aeron logs when it does.
     */
    public static final int DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES = 2 * 1024 * 1024;
    /**
     * How long the hive's driver keeps an edge's connection (Aeron image) without hearing anything, heartbeats
     * included (an idle publication sends one every 100 ms), before it counts it gone: 3 s instead of Aeron's 10 s,
     * because a second connection under the same edge id is refused while the first is alive, so an edge restarted
     * after a {@code kill -9} waits this long before its hello is taken.
     */
    public static final long IMAGE_LIVENESS_TIMEOUT_NS = 3_000_000_000L;
    /** The hive's subdirectory holding one directory per edge. */
    public static final String EDGES_DIRECTORY = "edges";
    /** Each edge's journal, under its directory. */
    public static final String JOURNAL_DIRECTORY = "journal";
    /** Each edge's derived output (JSON lines, as {@code pitgun journal replay --out} writes), under its directory. */
    public static final String DERIVED_FILE = "derived.jsonl";
    /** Beside each edge's derived output: what its last whole derivation covered ({@code HiveDerivedMark}). */
    public static final String DERIVED_MARK_FILE = "derived.complete";
    /** The Aeron Archive's directory, under the hive's. */
    public static final String ARCHIVE_DIRECTORY = "archive";

    public HiveConfig
    {
        Objects.requireNonNull(listenChannel, "listenChannel");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(idleStrategy, "idleStrategy");
        if (maxLiveRecordingBytes < 65_536)
        {
            throw new IllegalArgumentException("max live recording bytes: " + maxLiveRecordingBytes +
                "; at least 65536");
        }
        if (streamId < 1)
        {
            // Before, 0 or -5 started a hive no edge could reach: pitgun gateway --ship-stream-id takes 1 and above.
            throw new IllegalArgumentException("stream id: " + streamId + "; from 1 to " + Integer.MAX_VALUE +
                " (what the edges' PITGUN_GATEWAY_SHIP_STREAM_ID takes)");
        }
        if (maxEdges < 1)
        {
            throw new IllegalArgumentException("max edges: " + maxEdges + "; at least 1");
        }
        if (maxEdgeDirectories < 1)
        {
            throw new IllegalArgumentException("max edge directories: " + maxEdgeDirectories + "; at least 1");
        }
        if (socketReceiveBufferBytes < 4096)
        {
            throw new IllegalArgumentException("socket receive buffer: " + socketReceiveBufferBytes +
                " bytes; at least 4096");
        }
        // Before anything starts: Aeron would refuse a bad one only once the media driver and archive ran.
        final List<String> problems = AeronUdpChannel.problems(listenChannel);
        if (!problems.isEmpty())
        {
            throw new IllegalArgumentException(listenProblem(listenChannel, problems));
        }
    }

    /** How a refused listen channel is said: {@code listen channel: 'CHANNEL': PROBLEM; ...}. */
    public static String listenProblem(final String channel, final List<String> problems)
    {
        return "listen channel: '" + channel + "': " + String.join("; ", problems);
    }

    /** Listening on {@code channel}, keeping data in {@code dataDirectory}, recording, other fields default. */
    public static HiveConfig of(final String channel, final Path dataDirectory)
    {
        return new HiveConfig(channel, ShipperConfig.DEFAULT_STREAM_ID, dataDirectory, null, true,
            AeronIdleStrategy.BACKOFF, DEFAULT_SOCKET_RECEIVE_BUFFER_BYTES, DEFAULT_MAX_EDGES,
            DEFAULT_MAX_EDGE_DIRECTORIES, DEFAULT_MAX_LIVE_RECORDING_BYTES, null, false);
    }

    /** The same with the media driver in {@code directory}. */
    public HiveConfig withAeronDirectory(final Path directory)
    {
        return new HiveConfig(listenChannel, streamId, dataDirectory, directory, record, idleStrategy,
            socketReceiveBufferBytes, maxEdges, maxEdgeDirectories, maxLiveRecordingBytes, edgeSecrets, insecure);
    }

    /** The same, recording with Aeron Archive or not. */
    public HiveConfig withRecording(final boolean on)
    {
        return new HiveConfig(listenChannel, streamId, dataDirectory, aeronDirectory, on, idleStrategy,
            socketReceiveBufferBytes, maxEdges, maxEdgeDirectories, maxLiveRecordingBytes, edgeSecrets, insecure);
    }

    /** The same on another shipping stream id. */
    public HiveConfig withStreamId(final int id)
    {
        return new HiveConfig(listenChannel, id, dataDirectory, aeronDirectory, record, idleStrategy,
            socketReceiveBufferBytes, maxEdges, maxEdgeDirectories, maxLiveRecordingBytes, edgeSecrets, insecure);
    }

    /** The same with another idle strategy. */
    public HiveConfig withIdleStrategy(final AeronIdleStrategy strategy)
    {
        return new HiveConfig(listenChannel, streamId, dataDirectory, aeronDirectory, record, strategy,
            socketReceiveBufferBytes, maxEdges, maxEdgeDirectories, maxLiveRecordingBytes, edgeSecrets, insecure);
    }

    /** The same with another socket receive buffer size. */
    public HiveConfig withSocketReceiveBufferBytes(final int bytes)
    {
        return new HiveConfig(listenChannel, streamId, dataDirectory, aeronDirectory, record, idleStrategy, bytes,
            maxEdges, maxEdgeDirectories, maxLiveRecordingBytes, edgeSecrets, insecure);
    }

    /** The same with another most edges. */
    public HiveConfig withMaxEdges(final int edges)
    {
        return new HiveConfig(listenChannel, streamId, dataDirectory, aeronDirectory, record, idleStrategy,
            socketReceiveBufferBytes, edges, maxEdgeDirectories, maxLiveRecordingBytes, edgeSecrets, insecure);
    }

    /** The same with another most edge directories unauthenticated batches may bring about. */
    public HiveConfig withMaxEdgeDirectories(final int directories)
    {
        return new HiveConfig(listenChannel, streamId, dataDirectory, aeronDirectory, record, idleStrategy,
            socketReceiveBufferBytes, maxEdges, directories, maxLiveRecordingBytes, edgeSecrets, insecure);
    }

    /** The same with another most bytes of a recording being written. */
    public HiveConfig withMaxLiveRecordingBytes(final long bytes)
    {
        return new HiveConfig(listenChannel, streamId, dataDirectory, aeronDirectory, record, idleStrategy,
            socketReceiveBufferBytes, maxEdges, maxEdgeDirectories, bytes, edgeSecrets, insecure);
    }

    /** The same, authenticating batches with {@code secrets} (null: none). */
    public HiveConfig withEdgeSecrets(final EdgeSecrets secrets)
    {
        return new HiveConfig(listenChannel, streamId, dataDirectory, aeronDirectory, record, idleStrategy,
            socketReceiveBufferBytes, maxEdges, maxEdgeDirectories, maxLiveRecordingBytes, secrets, insecure);
    }

    /** The same, taking unauthenticated batches from other hosts than loopback ({@code --insecure}) or not. */
    public HiveConfig withInsecure(final boolean on)
    {
        return new HiveConfig(listenChannel, streamId, dataDirectory, aeronDirectory, record, idleStrategy,
            socketReceiveBufferBytes, maxEdges, maxEdgeDirectories, maxLiveRecordingBytes, edgeSecrets, on);
    }

    /** The derived output the hive writes for {@code edgeId} when it runs a {@link HivePipeline}. */
    public Path edgeDerivedFile(final String edgeId)
    {
        return dataDirectory.resolve(EDGES_DIRECTORY).resolve(edgeId).resolve(DERIVED_FILE);
    }

    /** The mark of {@code edgeId}'s whole derived output ({@value #DERIVED_MARK_FILE}), beside it. */
    public Path edgeDerivedMark(final String edgeId)
    {
        return dataDirectory.resolve(EDGES_DIRECTORY).resolve(edgeId).resolve(DERIVED_MARK_FILE);
    }

    /** The journal the hive keeps for {@code edgeId}. */
    public Path edgeJournal(final String edgeId)
    {
        return dataDirectory.resolve(EDGES_DIRECTORY).resolve(edgeId).resolve(JOURNAL_DIRECTORY);
    }
}
