package io.pitgun.scaleout;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.pitgun.engine.FileStamp;
import io.pitgun.journal.JournalDamagedException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.agrona.collections.Int2IntHashMap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

/**
 * The hive's writer: takes the edges' batches from the live shipping subscription (the Aeron Archive records the
 * same stream beside it), writes each edge's new frames to that edge's journal ({@link HiveEdgeWriter}) and
 * acknowledges what it holds. Runs on its own thread.
 */
public final class HiveAgent implements Agent, FragmentHandler, ReplyConnector
{
    private static final Logger LOG = LoggerFactory.getLogger(HiveAgent.class);
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Fragments taken per duty cycle: bounded work, so ACKs go out between batches. */
    public static final int FRAGMENT_LIMIT = 64;

    private final Aeron aeron;
    private final Subscription subscription;
    private final HiveConfig config;
    private final EpochClock clock;
    private final FragmentAssembler assembler = new FragmentAssembler(this);
    /** Looked up by a linear scan (a hive serves a handful of edges; no allocation per batch). */
    private final List<HiveEdgeWriter> writers = new ArrayList<>();
    /** The same writers for other threads (status, metrics). */
    private final List<HiveEdgeWriter> published = new CopyOnWriteArrayList<>();
    private long epochMs;
    /** Fragments on the shipping stream that are not batches (too short or another type), ignored. */
    private volatile long fragmentsIgnored;
    /** Batches of edge ids beyond {@link HiveConfig#maxEdges()}, ignored. */
    private volatile long edgesRefused;
    /** Edges whose connection had gone, released to make room for a new edge (see {@link #releaseAnEdgeGone}). */
    private volatile long edgesReleased;
    /** Edge directories under {@code DATA_DIR/edges}: counted at start, counted again (at most once per
     *  {@link #EDGE_DIRECTORIES_RECOUNT_MS}) when at {@link HiveConfig#maxEdgeDirectories()}, and one more per
     *  directory a new writer makes. */
    private volatile int edgeDirectories;
    private long edgeDirectoriesCountedMs;
    /** Batches of edge ids without a directory refused at {@link HiveConfig#maxEdgeDirectories()}. */
    private volatile long edgeDirectoriesRefused;
    /** The ids of the edges released, each offered once its journal is closed, for the derive thread. */
    private final Queue<String> released = new ConcurrentLinkedQueue<>();
    /** Edges whose journal a writable open found damaged ({@link JournalDamagedException}); at most max_edges. */
    private final List<UUID> damagedEdges = new ArrayList<>();
    /** Batches of those edges ignored, the first included. Written by the writer thread only. */
    private volatile long batchesOfDamagedEdges;
    /** Reply channels refused: not from the host the batches come from. */
    private volatile long repliesRefused;
    /** Batches refused as unauthenticated, by {@link UnauthenticatedReason} ordinal. */
    private final AtomicLongArray unauthenticated = new AtomicLongArray(UnauthenticatedReason.values().length);
    /** The edges' secrets, read again when their file changes ({@link #reloadSecretsIfChanged}). */
    private EdgeSecrets secrets;
    /** One per edge of {@link #secrets}, at its index there. */
    private BatchAuthenticator[] authenticators;
    /** The version of the secrets' file last read (or tried), null when unreadable. */
    private FileStamp secretsVersion;
    private long secretsCheckedMs;
    private volatile long secretsReloads;
    private volatile long secretsReloadFailures;
    /** Without secrets: per Aeron session, whether its source is a loopback address (1) or not (0). */
    private final Int2IntHashMap loopbackSessions = new Int2IntHashMap(-1);
    private final HiveEdgeWriter.ConnectionLiveness liveConnection = this::isLive;
    /** Each connection's nonce, for a hive with secrets. */
    private final EdgeSessionNonces nonces = new EdgeSessionNonces();
    /** Where each batch taken is recorded first (the Archive), or null. */
    private BatchRecorder recorder;
    /** Test hook: the next batch recorded halts the writer before it is appended, as a kill would. */
    private volatile boolean haltAfterNextRecord;
    private boolean halted;
    /** Hands batches replayed from the Archive's record to their writers (at start, before the thread runs). */
    private final FragmentHandler replayHandler = this::onReplayedBatch;
    private final BatchRecorder recordThenAppend = this::record;

    /** Why a batch was refused as unauthenticated ({@code pitgun_hive_unauthenticated_batches_total}). */
    public enum UnauthenticatedReason
    {
        /** The edge id is not in {@code --edge-secrets}. */
        UNKNOWN_EDGE,
        /** The edge has a secret but the batch carries no MAC. */
        MISSING_MAC,
        /** The MAC does not match the batch under the edge's secret: forged or altered. */
        BAD_MAC,
        /** No secrets configured and not {@code --insecure}: a batch from another host than loopback. */
        NOT_LOOPBACK,
        /**
         * A genuine batch (its MAC is right) whose nonce is not the one the hive gave its connection: captured from
         * another connection of the edge and sent again, or sent to a hive that restarted since (the edge says
         * hello again and gets the new one).
         */
        STALE_NONCE;

        /** The metric label: the constant's name in lower case. */
        public String label()
        {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param subscription the live subscription to the shipping channel.
     */
    public HiveAgent(final Aeron aeron, final Subscription subscription, final HiveConfig config,
        final EpochClock clock)
    {
        this.aeron = aeron;
        this.subscription = subscription;
        this.config = config;
        this.clock = clock;
        this.secrets = config.edgeSecrets();
        this.authenticators = secrets == null ? new BatchAuthenticator[0] : secrets.authenticators();
        this.secretsVersion = secrets == null ? null : version(secrets.file());
        this.edgeDirectories = countEdgeDirectories();
    }

    /** How often, at most, the edge directories are counted again while at the bound (an operator may remove some). */
    static final long EDGE_DIRECTORIES_RECOUNT_MS = 1_000;

    /** The directories under {@code DATA_DIR/edges} (a cold path: start, and at the bound once a second at most). */
    private int countEdgeDirectories()
    {
        final Path edges = config.dataDirectory().resolve(HiveConfig.EDGES_DIRECTORY);
        if (!Files.isDirectory(edges))
        {
            return 0;
        }
        try (Stream<Path> list = Files.list(edges))
        {
            return (int)Math.min(Integer.MAX_VALUE, list.filter(Files::isDirectory).count());
        }
        catch (final IOException ex)
        {
            LOG.warn("{}: cannot count the edge directories ({}): counted as before", edges, ex.toString());
            return edgeDirectories;
        }
    }

    /**
     * Whether a batch of the edge {@code msb}/{@code lsb}, which no writer holds, is refused because its directory
     * would pass {@link HiveConfig#maxEdgeDirectories()}: only without secrets (listed edges alone make directories
     * with them), and only at the bound (below it, nothing is looked up). Refusals are counted and logged.
     */
    private boolean refusedForEdgeDirectories(final long msb, final long lsb)
    {
        if (secrets != null || edgeDirectories < config.maxEdgeDirectories())
        {
            return false;
        }
        // At the bound: a cold path while made-up ids come (one lookup each), never for the edges held.
        final UUID edgeId = new UUID(msb, lsb);
        if (Files.isDirectory(config.edgeJournal(edgeId.toString()).getParent()))
        {
            return false; // an edge the hive holds a journal of: it makes no new directory
        }
        if (epochMs - edgeDirectoriesCountedMs >= EDGE_DIRECTORIES_RECOUNT_MS)
        {
            edgeDirectoriesCountedMs = epochMs;
            edgeDirectories = countEdgeDirectories();
            if (edgeDirectories < config.maxEdgeDirectories())
            {
                return false;
            }
        }
        // Logged at the first refusal and then every 1,000th: a flood of made-up ids must not flood the log.
        if (edgeDirectoriesRefused++ % 1_000 == 0)
        {
            LOG.warn("edge {}: the data directory already has its most edge directories ({}, " +
                "--max-edge-directories) and batches are not authenticated: batches ignored ({} so far)", edgeId,
                config.maxEdgeDirectories(), edgeDirectoriesRefused);
        }
        return true;
    }

    /** How often the hive looks at {@code --edge-secrets} for a change (a file-attribute read, on the writer). */
    public static final long EDGE_SECRETS_CHECK_INTERVAL_MS = 1_000;

    /** Times {@code --edge-secrets} was read again after a change; safe from any thread. */
    public long edgeSecretsReloads()
    {
        return secretsReloads;
    }

    /** Changes of {@code --edge-secrets} that could not be read (the secrets before stay in force). */
    public long edgeSecretsReloadFailures()
    {
        return secretsReloadFailures;
    }

    /**
     * Reads {@code --edge-secrets} again when its file has changed (another modification time, size or inode: an
     * edge added, removed or given a new secret), so edges change without a hive restart. A file that does not read
     * leaves the secrets in force, logged and counted, until it changes again. Edges taken stay taken; their ACKs
     * are signed with their new secret (unsigned for an edge no longer listed, whose batches are now refused).
     */
    private int reloadSecretsIfChanged()
    {
        if (secrets == null || epochMs - secretsCheckedMs < EDGE_SECRETS_CHECK_INTERVAL_MS)
        {
            return 0;
        }
        secretsCheckedMs = epochMs;
        final FileStamp version = version(secrets.file());
        if (version == null || version.equals(secretsVersion))
        {
            return 0;
        }
        secretsVersion = version;
        final EdgeSecrets read;
        try
        {
            read = EdgeSecrets.read(secrets.file());
        }
        catch (final IllegalArgumentException ex)
        {
            secretsReloadFailures++;
            LOG.error("--edge-secrets changed but does not read; the secrets before stay in force: {}",
                ex.getMessage());
            return 1;
        }
        final BatchAuthenticator[] next = read.authenticators();
        secrets = read;
        authenticators = next;
        for (final HiveEdgeWriter writer : writers)
        {
            final int index = read.indexOf(writer.edgeId().getMostSignificantBits(),
                writer.edgeId().getLeastSignificantBits());
            writer.ackAuthenticator(index < 0 ? null : next[index]);
        }
        secretsReloads++;
        LOG.info("--edge-secrets read again: {} edges listed", read.size());
        return 1;
    }

    private static FileStamp version(final Path file)
    {
        try
        {
            return FileStamp.of(file);
        }
        catch (final IOException ex)
        {
            return null; // gone or unreadable for now (a replace in progress): looked at again next time
        }
    }

    /** Records each batch taken with {@code recorder} before it is appended (set before the thread starts). */
    void recorder(final BatchRecorder recorder)
    {
        this.recorder = recorder;
    }

    /** The handler batches replayed from the Archive's record go to at start (see {@link HiveRecorder}). */
    FragmentHandler replayHandler()
    {
        return replayHandler;
    }

    /**
     * After the Archive's tail is replayed (before the thread starts): closes the writers the replay opened that took
     * nothing (their journals already held the tail), so the edges listed are those heard from, or appended to, and
     * hands the others' journals to the writer's thread (the replay appended on the starting thread; a CI run's hive
     * then refused every batch of that edge, "used by Thread[main] and Thread[pitgun-hive]").
     */
    void closeWritersThatTookNothing()
    {
        for (int i = writers.size() - 1; i >= 0; i--)
        {
            final HiveEdgeWriter writer = writers.get(i);
            if (writer.framesWritten() == 0)
            {
                writers.remove(i);
                published.remove(writer);
                writer.close();
            }
            else
            {
                writer.handOverJournal();
            }
        }
    }

    /** Test hook: after the next batch is recorded, the writer stops before appending it and takes nothing more. */
    void haltAfterNextRecord()
    {
        haltAfterNextRecord = true;
    }

    /** Batches refused as unauthenticated for {@code reason}; safe from any thread. */
    public long unauthenticatedBatches(final UnauthenticatedReason reason)
    {
        return unauthenticated.get(reason.ordinal());
    }

    /** The edges heard from since the hive started, with their counters; safe from any thread. */
    public List<HiveEdgeWriter> edges()
    {
        return published;
    }

    /** Fragments on the shipping stream that were not batches, ignored; safe from any thread. */
    public long fragmentsIgnored()
    {
        return fragmentsIgnored;
    }

    /** Batches ignored because their edge's journal is damaged (see {@link #writer}); safe from any thread. */
    public long batchesOfDamagedEdges()
    {
        return batchesOfDamagedEdges;
    }

    /** Batches ignored because they came from a new edge id when the hive already had its most edges. */
    public long edgesRefused()
    {
        return edgesRefused;
    }

    /**
     * Edges released to make room for a new one: their connection had gone when a new edge id came with the hive at
     * {@link HiveConfig#maxEdges()}.
     */
    public long edgesReleased()
    {
        return edgesReleased;
    }

    /** Edge directories under {@code DATA_DIR/edges}, as last counted (see {@link HiveConfig#maxEdgeDirectories()}). */
    public int edgeDirectories()
    {
        return edgeDirectories;
    }

    /**
     * Batches ignored because they came, unauthenticated, from an edge id without a directory when the data directory
     * already had {@link HiveConfig#maxEdgeDirectories()}; safe from any thread.
     */
    public long edgeDirectoriesRefused()
    {
        return edgeDirectoriesRefused;
    }

    /** The id of the next edge released (its journal closed, it has left {@link #edges()}), or null; one reader. */
    String nextReleasedEdge()
    {
        return released.poll();
    }

    /** Reply channels refused because they named another host than the one the batches came from. */
    public long repliesRefused()
    {
        return repliesRefused;
    }

    @Override
    public String roleName()
    {
        return "pitgun-hive";
    }

    @Override
    public int doWork()
    {
        if (halted)
        {
            return 0;
        }
        epochMs = clock.time();
        int work = reloadSecretsIfChanged();
        work += subscription.poll(assembler, FRAGMENT_LIMIT);
        for (int i = 0, n = writers.size(); i < n; i++)
        {
            work += writers.get(i).sendAck();
        }
        return work;
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (halted)
        {
            return;
        }
        final int type = length < ShippingDescriptor.REPLY_CHANNEL_OFFSET ? 0 :
            buffer.getInt(offset + ShippingDescriptor.TYPE_OFFSET, ORDER);
        final boolean signed = type == ShippingDescriptor.TYPE_BATCH_AUTHENTICATED;
        if (type != ShippingDescriptor.TYPE_BATCH && !signed ||
            signed && length <
                ShippingDescriptor.REPLY_CHANNEL_OFFSET + ShippingDescriptor.AUTHENTICATED_TRAILER_LENGTH)
        {
            fragmentsIgnored++;
            return;
        }
        final long msb = buffer.getLong(offset + ShippingDescriptor.EDGE_ID_MSB_OFFSET, ORDER);
        final long lsb = buffer.getLong(offset + ShippingDescriptor.EDGE_ID_LSB_OFFSET, ORDER);
        // The MAC is checked first: nothing of an unauthenticated batch is used (no journal, no reply channel).
        final int batchLength = signed ? length - ShippingDescriptor.AUTHENTICATED_TRAILER_LENGTH : length;
        final int sessionId = header.sessionId();
        final long image = imageCorrelationId(header);
        long nonce = ShippingDescriptor.NO_NONCE;
        if (secrets != null)
        {
            final int index = secrets.indexOf(msb, lsb);
            if (index < 0)
            {
                refuse(UnauthenticatedReason.UNKNOWN_EDGE, msb, lsb, sessionId);
                return;
            }
            if (!signed)
            {
                refuse(UnauthenticatedReason.MISSING_MAC, msb, lsb, sessionId);
                return;
            }
            final int signedLength = batchLength + ShippingDescriptor.NONCE_LENGTH;
            if (!authenticators[index].verify(buffer, offset, signedLength, offset + signedLength))
            {
                refuse(UnauthenticatedReason.BAD_MAC, msb, lsb, sessionId);
                return;
            }
            // Authentic; and fresh when it is this connection's nonce (a hello carries none that counts).
            nonce = nonces.of(msb, lsb, image);
            if (buffer.getInt(offset + ShippingDescriptor.FRAME_COUNT_OFFSET, ORDER) != 0 &&
                buffer.getLong(offset + batchLength, ORDER) != nonce)
            {
                refuse(UnauthenticatedReason.STALE_NONCE, msb, lsb, sessionId);
                return;
            }
        }
        else if (!config.insecure() && !fromLoopback(sessionId))
        {
            refuse(UnauthenticatedReason.NOT_LOOPBACK, msb, lsb, sessionId);
            return;
        }
        final HiveEdgeWriter writer = writer(msb, lsb);
        if (writer != null && writer.admits(sessionId, image, liveConnection, this, buffer, offset, batchLength, nonce,
            secrets == null, epochMs))
        {
            writer.onBatch(this, sessionId, buffer, offset, batchLength, epochMs, recorder == null ? null :
                recordThenAppend);
        }
    }

    private void record(final DirectBuffer buffer, final int offset, final int length)
    {
        recorder.onTaking(buffer, offset, length);
        if (haltAfterNextRecord)
        {
            halted = true; // as if killed here: recorded, not appended, never acknowledged
            throw new IllegalStateException("test hook: the hive writer halts after recording a batch");
        }
    }

    /** A batch replayed from the Archive's record at start: taken by its writer without any answer. */
    private void onReplayedBatch(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int type = length < ShippingDescriptor.REPLY_CHANNEL_OFFSET ? 0 :
            buffer.getInt(offset + ShippingDescriptor.TYPE_OFFSET, ORDER);
        // A signed edge's batch keeps its type in the record; its MAC, checked when it arrived, is not recorded.
        if (type != ShippingDescriptor.TYPE_BATCH && type != ShippingDescriptor.TYPE_BATCH_AUTHENTICATED)
        {
            return;
        }
        final HiveEdgeWriter writer = writer(buffer.getLong(offset + ShippingDescriptor.EDGE_ID_MSB_OFFSET, ORDER),
            buffer.getLong(offset + ShippingDescriptor.EDGE_ID_LSB_OFFSET, ORDER));
        if (writer != null)
        {
            writer.onBatch(null, header.sessionId(), buffer, offset, length, clock.time(), null);
        }
    }

    private void refuse(final UnauthenticatedReason reason, final long msb, final long lsb, final int sessionId)
    {
        final long refused = unauthenticated.get(reason.ordinal());
        unauthenticated.lazySet(reason.ordinal(), refused + 1); // only this thread writes it
        if (refused % 1_000 == 0) // logged at the first and every 1,000th: a flood must not flood the log
        {
            LOG.warn("a batch claiming edge {} (session {}) refused as unauthenticated: {} ({} so far)",
                new UUID(msb, lsb), sessionId, reason.label(), refused + 1);
        }
    }

    /** Whether the session's image comes from a loopback address; looked up once per session (a cold path). */
    private boolean fromLoopback(final int sessionId)
    {
        int known = loopbackSessions.get(sessionId);
        if (known < 0)
        {
            final Image image = subscription.imageBySessionId(sessionId);
            final String source = image == null ? null : image.sourceIdentity();
            final String address = source == null ? "" :
                source.substring(0, Math.max(0, source.lastIndexOf(':'))).replace("[", "").replace("]", "");
            boolean loopback;
            try
            {
                loopback = !address.isEmpty() && InetAddress.getByName(address).isLoopbackAddress();
            }
            catch (final UnknownHostException ex)
            {
                loopback = false;
            }
            if (loopbackSessions.size() > 4_096)
            {
                loopbackSessions.clear(); // sessions come and go: do not keep them all
            }
            known = loopback ? 1 : 0;
            loopbackSessions.put(sessionId, known);
        }
        return known == 1;
    }

    /** Whether the edge connection of {@code sessionId} and image {@code correlationId} is still alive: that image
     *  is there and not ended (a new image of the same session id is another connection). */
    private boolean isLive(final int sessionId, final long correlationId)
    {
        final Image image = subscription.imageBySessionId(sessionId);
        return image != null && image.correlationId() == correlationId && !image.isClosed() &&
            !image.isEndOfStream();
    }

    /** The correlation id of the image (edge connection) a message came from: unique per connection. */
    private long imageCorrelationId(final Header header)
    {
        if (header.context() instanceof Image image)
        {
            return image.correlationId();
        }
        final Image image = subscription.imageBySessionId(header.sessionId());
        return image == null ? -1 : image.correlationId();
    }

    @Override
    public Publication connect(final ReplyEndpoint endpoint, final int streamId, final int sessionId)
    {
        final Image image = subscription.imageBySessionId(sessionId);
        final String source = image == null ? null : image.sourceIdentity();
        // sourceIdentity is "ADDRESS:PORT" (an IPv6 address in brackets or not, depending on the driver's version).
        final String sourceAddress = source == null ? null :
            source.substring(0, Math.max(0, source.lastIndexOf(':'))).replace("[", "").replace("]", "");
        if (!endpoint.address().equals(sourceAddress))
        {
            repliesRefused++;
            LOG.warn("reply channel {} names another host than the batches' source {}: refused", endpoint.channel(),
                source);
            return null;
        }
        return aeron.addPublication(endpoint.channel(), streamId);
    }

    private HiveEdgeWriter writer(final long msb, final long lsb)
    {
        for (int i = 0, n = writers.size(); i < n; i++)
        {
            final HiveEdgeWriter writer = writers.get(i);
            if (writer.matches(msb, lsb))
            {
                return writer;
            }
        }
        if (refusedForEdgeDirectories(msb, lsb)) // before an edge is released for it
        {
            return null;
        }
        if (writers.size() >= config.maxEdges() && !releaseAnEdgeGone())
        {
            // Logged at the first refusal and then every 1,000th: a flood of made-up ids must not flood the log.
            if (edgesRefused++ % 1_000 == 0)
            {
                LOG.warn("edge {}: the hive already has its most edges ({}, --max-edges): batches ignored ({} so " +
                    "far)", new UUID(msb, lsb), config.maxEdges(), edgesRefused);
            }
            return null;
        }
        for (int i = 0, n = damagedEdges.size(); i < n; i++)
        {
            if (damagedEdges.get(i).getMostSignificantBits() == msb &&
                damagedEdges.get(i).getLeastSignificantBits() == lsb)
            {
                batchesOfDamagedEdges++;
                return null;
            }
        }
        final UUID edgeId = new UUID(msb, lsb); // a new edge: a cold path
        final int secret = secrets == null ? -1 : secrets.indexOf(msb, lsb);
        final Path journal = config.edgeJournal(edgeId.toString());
        final boolean newDirectory = !Files.isDirectory(journal.getParent());
        final HiveEdgeWriter writer;
        try
        {
            writer = new HiveEdgeWriter(edgeId, journal, secret < 0 ? null : authenticators[secret]);
            if (newDirectory)
            {
                edgeDirectories++; // only this thread writes it
            }
        }
        catch (final JournalDamagedException ex)
        {
            // Not transient, and dear to find (the last cycle file is read through): the edge's batches are ignored,
            // unacknowledged, so the edge keeps them, until its journal is mended and the hive restarted. The other
            // edges go on; an exception out of here would stop the start-up replay, or every batch of this edge
            // would open and check the journal again on the one writer thread.
            damagedEdges.add(edgeId);
            batchesOfDamagedEdges++;
            LOG.error("edge {}: its journal is damaged, its batches are ignored (not acknowledged) until it is " +
                "mended and the hive restarted: {}", edgeId, ex.getMessage());
            return null;
        }
        writers.add(writer);
        published.add(writer);
        LOG.info("edge {} connected", edgeId);
        return writer;
    }

    /**
     * Releases the first edge (the longest held) whose connection has gone: closes its journal and reply
     * publications, so {@code --max-edges} bounds the edges connected, not those heard from since the hive started
     * (a hive whose edges are replaced would otherwise refuse new ones until restarted). Everything it took is in its
     * journal, and acknowledged as far as it could be; if it ships again it is taken as at a hive start. A cold path:
     * a new edge id at the bound.
     *
     * @return false if every edge held is connected.
     */
    private boolean releaseAnEdgeGone()
    {
        for (int i = 0, n = writers.size(); i < n; i++)
        {
            final HiveEdgeWriter writer = writers.get(i);
            if (!writer.connected(liveConnection))
            {
                writers.remove(i);
                published.remove(writer);
                writer.close();
                released.offer(writer.edgeId().toString()); // its journal is final from here
                edgesReleased++;
                // WARN, as the refusals at the bound are: the CLI logs from WARN up, and an operator must see that an
                // edge lost its place (it is taken again, as at a hive start, when it ships again).
                LOG.warn("edge {}: released, its connection gone, to make room for a new edge (--max-edges {})",
                    writer.edgeId(), config.maxEdges());
                return true;
            }
        }
        return false;
    }

    @Override
    public void onClose()
    {
        for (final HiveEdgeWriter writer : writers)
        {
            writer.close();
        }
    }
}
