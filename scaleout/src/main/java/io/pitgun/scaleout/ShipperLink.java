package io.pitgun.scaleout;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import org.agrona.CloseHelper;

import java.nio.file.Path;

/**
 * The shipper's Aeron client with what it made: the shipping publication and the reply subscription. Aeron closes
 * a client for good when its conductor went unserviced past the driver's client liveness timeout (10 s) — the edge
 * process stopped (SIGSTOP, a suspended VM, a long pause) — and everything it made with it; the embedded driver
 * lives on, so {@link EdgeShipperAgent} connects a new link to it ({@link #isClosed()}).
 */
final class ShipperLink implements AutoCloseable
{
    private final Aeron aeron;
    private final ExclusivePublication publication;
    private final Subscription replies;

    private ShipperLink(final Aeron aeron, final ExclusivePublication publication, final Subscription replies)
    {
        this.aeron = aeron;
        this.publication = publication;
        this.replies = replies;
    }

    /** Connects a client to the driver in {@code aeronDirectory} and adds the publication and the subscription. */
    static ShipperLink connect(final Path aeronDirectory, final ShipperConfig config)
    {
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory.toString()));
        try
        {
            return new ShipperLink(aeron, aeron.addExclusivePublication(config.channel(), config.streamId()),
                aeron.addSubscription(config.replyChannel(), config.replyStreamId()));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(aeron);
            throw ex;
        }
    }

    ExclusivePublication publication()
    {
        return publication;
    }

    Subscription replies()
    {
        return replies;
    }

    /** True once Aeron closed the client (or its publication): nothing sent through it arrives any more. */
    boolean isClosed()
    {
        return aeron.isClosed() || publication.isClosed();
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(aeron); // closes the publication and the subscription with it
    }
}
