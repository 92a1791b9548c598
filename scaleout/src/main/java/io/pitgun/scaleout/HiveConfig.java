package io.pitgun.scaleout;

import java.nio.file.Path;
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
 */
public record HiveConfig(String listenChannel, int streamId, Path dataDirectory, Path aeronDirectory, boolean record,
    AeronIdleStrategy idleStrategy)
{
    /** The hive's subdirectory holding one directory per edge. */
    public static final String EDGES_DIRECTORY = "edges";
    /** Each edge's journal, under its directory. */
    public static final String JOURNAL_DIRECTORY = "journal";
    /** Each edge's derived output (JSON lines, as {@code pitgun journal replay --out} writes), under its directory. */
    public static final String DERIVED_FILE = "derived.jsonl";
    /** The Aeron Archive's directory, under the hive's. */
    public static final String ARCHIVE_DIRECTORY = "archive";

    public HiveConfig
    {
        Objects.requireNonNull(listenChannel, "listenChannel");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(idleStrategy, "idleStrategy");
        if (!listenChannel.startsWith("aeron:"))
        {
            throw new IllegalArgumentException("listen channel: '" + listenChannel +
                "' is not an Aeron channel (aeron:udp?endpoint=HOST:PORT)");
        }
    }

    /** Listening on {@code channel}, keeping data in {@code dataDirectory}, recording, other fields default. */
    public static HiveConfig of(final String channel, final Path dataDirectory)
    {
        return new HiveConfig(channel, ShipperConfig.DEFAULT_STREAM_ID, dataDirectory, null, true,
            AeronIdleStrategy.BACKOFF);
    }

    /** The same with the media driver in {@code directory}. */
    public HiveConfig withAeronDirectory(final Path directory)
    {
        return new HiveConfig(listenChannel, streamId, dataDirectory, directory, record, idleStrategy);
    }

    /** The same, recording with Aeron Archive or not. */
    public HiveConfig withRecording(final boolean on)
    {
        return new HiveConfig(listenChannel, streamId, dataDirectory, aeronDirectory, on, idleStrategy);
    }

    /** The same on another shipping stream id. */
    public HiveConfig withStreamId(final int id)
    {
        return new HiveConfig(listenChannel, id, dataDirectory, aeronDirectory, record, idleStrategy);
    }

    /** The same with another idle strategy. */
    public HiveConfig withIdleStrategy(final AeronIdleStrategy strategy)
    {
        return new HiveConfig(listenChannel, streamId, dataDirectory, aeronDirectory, record, strategy);
    }

    /** The derived output the hive writes for {@code edgeId} when it runs a {@link HivePipeline}. */
    public Path edgeDerivedFile(final String edgeId)
    {
        return dataDirectory.resolve(EDGES_DIRECTORY).resolve(edgeId).resolve(DERIVED_FILE);
    }

    /** The journal the hive keeps for {@code edgeId}. */
    public Path edgeJournal(final String edgeId)
    {
        return dataDirectory.resolve(EDGES_DIRECTORY).resolve(edgeId).resolve(JOURNAL_DIRECTORY);
    }
}
