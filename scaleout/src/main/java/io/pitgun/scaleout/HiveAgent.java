package io.pitgun.scaleout;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

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
    /** Reply channels refused: not from the host the batches come from. */
    private volatile long repliesRefused;

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

    /** Batches ignored because they came from a new edge id when the hive already had its most edges. */
    public long edgesRefused()
    {
        return edgesRefused;
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
        epochMs = clock.time();
        int work = subscription.poll(assembler, FRAGMENT_LIMIT);
        for (int i = 0, n = writers.size(); i < n; i++)
        {
            work += writers.get(i).sendAck();
        }
        return work;
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < ShippingDescriptor.REPLY_CHANNEL_OFFSET ||
            buffer.getInt(offset + ShippingDescriptor.TYPE_OFFSET, ORDER) != ShippingDescriptor.TYPE_BATCH)
        {
            fragmentsIgnored++;
            return;
        }
        final long msb = buffer.getLong(offset + ShippingDescriptor.EDGE_ID_MSB_OFFSET, ORDER);
        final long lsb = buffer.getLong(offset + ShippingDescriptor.EDGE_ID_LSB_OFFSET, ORDER);
        final HiveEdgeWriter writer = writer(msb, lsb);
        if (writer != null)
        {
            writer.onBatch(this, header.sessionId(), buffer, offset, length, epochMs);
        }
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
        if (writers.size() >= config.maxEdges())
        {
            // Logged at the first refusal and then every 1,000th: a flood of made-up ids must not flood the log.
            if (edgesRefused++ % 1_000 == 0)
            {
                LOG.warn("edge {}: the hive already has its most edges ({}, --max-edges): batches ignored ({} so " +
                    "far)", new UUID(msb, lsb), config.maxEdges(), edgesRefused);
            }
            return null;
        }
        final UUID edgeId = new UUID(msb, lsb); // a new edge: a cold path
        final HiveEdgeWriter writer = new HiveEdgeWriter(edgeId, config.edgeJournal(edgeId.toString()));
        writers.add(writer);
        published.add(writer);
        LOG.info("edge {} connected", edgeId);
        return writer;
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
