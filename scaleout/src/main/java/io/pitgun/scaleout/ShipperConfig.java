package io.pitgun.scaleout;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How an edge ships its journal.
 *
 * @param channel         the hive's Aeron channel, e.g. {@code aeron:udp?endpoint=127.0.0.1:40456}.
 * @param streamId        the shipping stream id (the hive listens on the same).
 * @param replyChannel    where this edge receives the hive's acknowledgements; port 0 takes a free port (the
 *                        resolved channel travels in every batch). Default {@value #DEFAULT_REPLY_CHANNEL}: right
 *                        when the hive runs on the same machine; name an address the hive can reach otherwise.
 * @param replyStreamId   the acknowledgement stream id.
 * @param batchSize       most frames per batch (seed 002: {@value #DEFAULT_BATCH_SIZE}).
 * @param flushIntervalNs longest a partial batch waits for more frames before it is shipped (seed 002: 100 ms).
 * @param ackTimeoutNs    shipped frames not acknowledged this long make the edge ask the hive again (a hello) and
 *                        resume from what the hive holds.
 * @param aeronDirectory  the embedded media driver's directory, or null for {@link AeronDirectories#forRole}.
 * @param idleStrategy    how the shipper's thread and its media driver wait when idle.
 * @param secretFile      a file holding this edge's shared secret with the hive ({@link EdgeSecrets}): every batch
 *                        then carries an HMAC-SHA256 of itself under it; null ships unauthenticated batches, which a
 *                        hive takes only from loopback or when started {@code --insecure}.
 */
public record ShipperConfig(String channel, int streamId, String replyChannel, int replyStreamId, int batchSize,
    long flushIntervalNs, long ackTimeoutNs, Path aeronDirectory, AeronIdleStrategy idleStrategy, Path secretFile)
{
    /** Default shipping stream id. */
    public static final int DEFAULT_STREAM_ID = 1601;
    /** Default acknowledgement stream id. */
    public static final int DEFAULT_REPLY_STREAM_ID = 1602;
    /** Default reply channel: loopback, a free port. */
    public static final String DEFAULT_REPLY_CHANNEL = "aeron:udp?endpoint=127.0.0.1:0";
    /** Seed 002's batch size: events per batch. */
    public static final int DEFAULT_BATCH_SIZE = 1_000;
    /** Seed 002's flush interval: the longest a partial batch waits. */
    public static final long DEFAULT_FLUSH_INTERVAL_NS = 100_000_000L;
    /** Default acknowledgement timeout. */
    public static final long DEFAULT_ACK_TIMEOUT_NS = 2_000_000_000L;

    public ShipperConfig
    {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(replyChannel, "replyChannel");
        Objects.requireNonNull(idleStrategy, "idleStrategy");
        if (!channel.startsWith("aeron:"))
        {
            throw new IllegalArgumentException("channel: '" + channel + "' is not an Aeron channel (aeron:udp?endpoint=HOST:PORT)");
        }
        if (batchSize < 1)
        {
            throw new IllegalArgumentException("batchSize: " + batchSize + " is not positive");
        }
        if (flushIntervalNs < 0 || ackTimeoutNs <= 0)
        {
            throw new IllegalArgumentException("flushIntervalNs/ackTimeoutNs: " + flushIntervalNs + "/" +
                ackTimeoutNs + " must be >= 0 / > 0");
        }
    }

    /** Shipping to {@code channel} with every other field at its default. */
    public static ShipperConfig to(final String channel)
    {
        return new ShipperConfig(channel, DEFAULT_STREAM_ID, DEFAULT_REPLY_CHANNEL, DEFAULT_REPLY_STREAM_ID,
            DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL_NS, DEFAULT_ACK_TIMEOUT_NS, null, AeronIdleStrategy.BACKOFF,
            null);
    }

    /** The same with another batch size. */
    public ShipperConfig withBatchSize(final int frames)
    {
        return new ShipperConfig(channel, streamId, replyChannel, replyStreamId, frames, flushIntervalNs,
            ackTimeoutNs, aeronDirectory, idleStrategy, secretFile);
    }

    /** The same with another flush interval. */
    public ShipperConfig withFlushIntervalNs(final long nanos)
    {
        return new ShipperConfig(channel, streamId, replyChannel, replyStreamId, batchSize, nanos, ackTimeoutNs,
            aeronDirectory, idleStrategy, secretFile);
    }

    /** The same with another acknowledgement timeout. */
    public ShipperConfig withAckTimeoutNs(final long nanos)
    {
        return new ShipperConfig(channel, streamId, replyChannel, replyStreamId, batchSize, flushIntervalNs, nanos,
            aeronDirectory, idleStrategy, secretFile);
    }

    /** The same with another reply channel. */
    public ShipperConfig withReplyChannel(final String reply)
    {
        return new ShipperConfig(channel, streamId, reply, replyStreamId, batchSize, flushIntervalNs, ackTimeoutNs,
            aeronDirectory, idleStrategy, secretFile);
    }

    /** The same with the media driver in {@code directory}. */
    public ShipperConfig withAeronDirectory(final Path directory)
    {
        return new ShipperConfig(channel, streamId, replyChannel, replyStreamId, batchSize, flushIntervalNs,
            ackTimeoutNs, directory, idleStrategy, secretFile);
    }

    /** The same with other stream ids: {@code streamId} for the batches (the hive listens on it),
     *  {@code replyStreamId} for the hive's acknowledgements. */
    public ShipperConfig withStreamIds(final int dataStreamId, final int ackStreamId)
    {
        return new ShipperConfig(channel, dataStreamId, replyChannel, ackStreamId, batchSize, flushIntervalNs,
            ackTimeoutNs, aeronDirectory, idleStrategy, secretFile);
    }

    /** The same with another idle strategy. */
    public ShipperConfig withIdleStrategy(final AeronIdleStrategy strategy)
    {
        return new ShipperConfig(channel, streamId, replyChannel, replyStreamId, batchSize, flushIntervalNs,
            ackTimeoutNs, aeronDirectory, strategy, secretFile);
    }

    /** The same, authenticating each batch with the secret in {@code file} (null: none). */
    public ShipperConfig withSecretFile(final Path file)
    {
        return new ShipperConfig(channel, streamId, replyChannel, replyStreamId, batchSize, flushIntervalNs,
            ackTimeoutNs, aeronDirectory, idleStrategy, file);
    }
}
