package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.engine.InsightRedactor;
import io.pitgun.engine.Subscription;
import io.pitgun.engine.SubscriptionHandler;
import io.pitgun.manifest.DerivedChannel;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The live subscribers of one event loop, fed by one pipeline subscription: every {@value #POLL_MS} ms it takes
 * what the pipeline output since, encodes each output to JSON once, and writes the same bytes (a retained
 * duplicate, no copy) to every member. So the loop's work per output is one encoding plus one write per member,
 * not one encoding per member: 300 subscribers no longer cost ingestion, which runs on the same loop, 300 JSON
 * encodings per frame. A member whose socket stops draining (its outbound buffer over {@code SUBSCRIBER_BUFFER_BYTES})
 * is disconnected as too slow and counted, without holding up the others. If the loop itself falls behind the
 * pipeline (its subscription is lapped), every member is disconnected the same way. If an output is too long for
 * the pipeline's buffer to carry, every member is disconnected as having missed it (not as too slow). Event-loop
 * confined.
 */
final class SubscriberGroup
{
    private static final Logger LOG = LoggerFactory.getLogger(SubscriberGroup.class);

    static final long POLL_MS = 5;
    private static final int POLL_LIMIT = 256;
    private static final int MAX_PER_TICK = 16_384;
    private static final byte[] FRAME_PREFIX = "{\"type\":\"derived_frame\",\"frame\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] INSIGHT_PREFIX = "{\"type\":\"insight\",\"insight\":".getBytes(StandardCharsets.US_ASCII);

    /** What a subscriber without {@code read_restricted} may read. */
    static final Set<AccessLevel> PUBLIC_ONLY = Collections.unmodifiableSet(EnumSet.of(AccessLevel.PUBLIC));
    /** What a subscriber whose token has {@code read_restricted} may read: never internal channels. */
    static final Set<AccessLevel> WITH_RESTRICTED =
        Collections.unmodifiableSet(EnumSet.of(AccessLevel.PUBLIC, AccessLevel.RESTRICTED));

    private final GatewayServer server;
    private final EventLoop loop;
    private final FrameJsonEncoder.ChannelNames names;
    /**
     * Who sees what: one audience per access level, token allow-lists and requested session among the members
     * (usually one or two), made when its first member joins and dropped with its last.
     */
    private final ArrayList<SubscriberAudience> audiences = new ArrayList<>();
    private final ExpandableArrayBuffer json = new ExpandableArrayBuffer(4096);
    private final ArrayList<WebSocketSubscriberHandler> members = new ArrayList<>();
    private final ArrayList<WebSocketSubscriberHandler> slow = new ArrayList<>();
    private final ArrayList<WebSocketSubscriberHandler> missedOutput = new ArrayList<>();
    private final ArrayList<WebSocketSubscriberHandler> revoked = new ArrayList<>();
    private final ArrayList<WebSocketSubscriberHandler> rescoped = new ArrayList<>();
    private final Runnable poll = this::poll;
    private Subscription subscription;
    private ScheduledFuture<?> poller;

    private final SubscriptionHandler handler = new SubscriptionHandler()
    {
        @Override
        public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
        {
            // One encoding per audience that has members and may see this frame's session and a channel of it.
            for (int a = 0; a < audiences.size(); a++)
            {
                final SubscriberAudience audience = audiences.get(a);
                if (audience.members == 0 || !audience.showsFrame(buffer, offset))
                {
                    continue;
                }
                if (audience.encoder.showsAnySample(buffer, offset))
                {
                    send(encodeFrame(audience.encoder, buffer, offset), audience);
                }
                else
                {
                    // Every sample is a channel this audience may not read: even an empty frame would tell that
                    // one came, and when.
                    server.counters().subscriberFramesWithheld.increment();
                }
            }
        }

        @Override
        public void onInsight(final DirectBuffer buffer, final int offset, final int length)
        {
            java.util.UUID session = null;
            boolean sessionRead = false;
            for (int a = 0; a < audiences.size(); a++)
            {
                final SubscriberAudience audience = audiences.get(a);
                if (audience.members == 0)
                {
                    continue;
                }
                if (audience.filtersSessions() && !sessionRead)
                {
                    session = audience.redactor.sessionOf(buffer, offset, length);
                    sessionRead = true;
                }
                if (audience.showsInsight(session))
                {
                    send(encodeInsight(audience.redactor, buffer, offset, length), audience);
                }
            }
        }
    };

    private int encodeFrame(final FrameJsonEncoder with, final DirectBuffer buffer, final int offset)
    {
        json.putBytes(0, FRAME_PREFIX);
        int end = with.encodeFrame(buffer, offset, json, FRAME_PREFIX.length, true);
        json.putByte(end++, (byte)'}');
        return end;
    }

    private int encodeInsight(final InsightRedactor with, final DirectBuffer buffer, final int offset, final int length)
    {
        json.putBytes(0, INSIGHT_PREFIX);
        int end;
        if (with.passesAll())
        {
            json.putBytes(INSIGHT_PREFIX.length, buffer, offset, length);
            end = INSIGHT_PREFIX.length + length;
        }
        else
        {
            final byte[] redacted = with.redact(buffer, offset, length);
            json.putBytes(INSIGHT_PREFIX.length, redacted);
            end = INSIGHT_PREFIX.length + redacted.length;
        }
        json.putByte(end++, (byte)'}');
        return end;
    }

    SubscriberGroup(final GatewayServer server, final EventLoop loop)
    {
        this.server = server;
        this.loop = loop;
        final String[] derivedNames = new String[server.pipeline().manifest().derivedChannels().size()];
        for (final DerivedChannel channel : server.pipeline().manifest().derivedChannels())
        {
            derivedNames[channel.index()] = channel.name();
        }
        // Internal channels (and what is derived from them) are journaled but never streamed; restricted ones only
        // to subscribers whose token has read_restricted (docs/contracts.md, access levels; docs/security.md); a
        // token's allow-lists narrow that further (SubscriberAudience).
        this.names = id ->
        {
            final int index = id - DerivedChannel.ID_BASE;
            return index >= 0 && index < derivedNames.length ? derivedNames[index] : null;
        };
    }

    /** A member joins (on the loop): the first one subscribes the loop to the pipeline. */
    void join(final WebSocketSubscriberHandler member)
    {
        SubscriberAudience audience = null;
        for (int a = 0; a < audiences.size() && audience == null; a++)
        {
            if (audiences.get(a).matches(member.readsRestricted(), member.scope(), member.session()))
            {
                audience = audiences.get(a);
            }
        }
        if (audience == null)
        {
            audience = new SubscriberAudience(server, names, member.readsRestricted(), member.scope(), member.session());
            audiences.add(audience);
        }
        audience.members++;
        member.audience = audience;
        members.add(member);
        if (subscription == null)
        {
            subscription = server.pipeline().subscribe("ws subscribers on " + loop);
            poller = loop.scheduleAtFixedRate(poll, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** A member leaves (on the loop): the last one unsubscribes, so an idle loop costs the pipeline nothing. */
    void leave(final WebSocketSubscriberHandler member)
    {
        if (members.remove(member) && --member.audience.members == 0)
        {
            // Dropped with its last member: audiences are keyed by what clients ask for (any session id), so
            // keeping empty ones would let clients grow this list without bound.
            audiences.remove(member.audience);
        }
        if (members.isEmpty() && subscription != null)
        {
            poller.cancel(false);
            poller = null;
            subscription.close();
            subscription = null;
        }
    }

    /** Members now. */
    int size()
    {
        return members.size();
    }

    /**
     * One tick. Nothing may escape it: Netty runs a periodic task that throws never again and says nothing, which
     * left every member of this loop open and fed nothing for good. A failure is logged and counted
     * ({@code internal_error}), and the members are closed (1011) so that they reconnect to a fresh subscription.
     */
    private void poll()
    {
        try
        {
            pollOnce();
        }
        catch (final Throwable failure)
        {
            LOG.error("live subscribers on {}: a poll failed; closing its {} subscriber(s) (1011) so that they " +
                "reconnect", loop, members.size(), failure);
            slow.clear();
            missedOutput.clear();
            revoked.clear();
            rescoped.clear();
            for (final WebSocketSubscriberHandler member : members.toArray(new WebSocketSubscriberHandler[0]))
            {
                member.failed(); // leaves the group; the last one ends the subscription and this task
            }
        }
    }

    /**
     * Shutdown, once the pipeline has drained (nothing more will be output): writes its members every output their
     * subscription has not read yet, as the ticks do (the checks of a tick included), before any of them is closed.
     * Bounded: the pipeline adds nothing any more, and a subscription that falls a whole buffer behind reads nothing.
     */
    void deliverTheRest()
    {
        while (pollOnce() == MAX_PER_TICK)
        {
            // More than one tick's worth was waiting: read on.
        }
    }

    /** One tick's work; returns how many outputs it read. */
    private int pollOnce()
    {
        if (subscription == null)
        {
            return 0;
        }
        for (int i = 0; i < members.size(); i++)
        {
            final WebSocketSubscriberHandler member = members.get(i);
            if (!member.stillAuthorized())
            {
                revoked.add(member);
            }
            else if (member.scopeChanged())
            {
                rescoped.add(member);
            }
            else if (!member.isWritable())
            {
                slow.add(member);
            }
        }
        for (int i = 0; i < revoked.size(); i++)
        {
            revoked.get(i).revoked(); // leaves the group
        }
        revoked.clear();
        for (int i = 0; i < rescoped.size(); i++)
        {
            // The token's allow-lists changed in the file: from now on it sees what the new ones allow, or, when
            // the session it asked for is no longer allowed, it is closed.
            final WebSocketSubscriberHandler member = rescoped.get(i);
            leave(member);
            if (member.adoptScope())
            {
                join(member);
            }
        }
        rescoped.clear();
        disconnectSlow();
        int delivered = 0;
        int step;
        do
        {
            step = subscription == null ? 0 : subscription.poll(handler, POLL_LIMIT);
            delivered += step;
        }
        while (step == POLL_LIMIT && delivered < MAX_PER_TICK);
        // Read now: the last member to leave ends the subscription.
        final int missedLength = subscription == null ? 0 : subscription.missedOutputLength();
        final int maxLength = missedLength > 0 ? subscription.maxOutputLength() : 0;
        if (missedLength > 0)
        {
            // An output too long for the pipeline's buffer: every member missed it, whatever their pace.
            missedOutput.addAll(members);
        }
        else if (subscription != null && subscription.isDropped())
        {
            // The loop fell a whole buffer behind the pipeline: every member missed outputs.
            slow.addAll(members);
        }
        for (int i = 0; i < members.size(); i++)
        {
            members.get(i).flush();
        }
        disconnectSlow();
        disconnectMissedOutput(missedLength, maxLength);
        return delivered;
    }

    /** Writes the {@code length} encoded bytes to the members of {@code audience}. */
    private void send(final int length, final SubscriberAudience audience)
    {
        server.counters().subscriberOutputsEncoded.increment();
        final ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer(length);
        out.writeBytes(json.byteArray(), 0, length);
        try
        {
            for (int i = 0; i < members.size(); i++)
            {
                final WebSocketSubscriberHandler member = members.get(i);
                if (member.audience != audience)
                {
                    continue;
                }
                if (!member.deliver(out))
                {
                    // Stopped draining during this tick: it missed this output, so it goes at the end of the tick.
                    slow.add(member);
                }
            }
        }
        finally
        {
            out.release();
        }
    }

    /** Closes those that missed an output too long to broadcast: {@code length} bytes, over {@code maxLength}. */
    private void disconnectMissedOutput(final int length, final int maxLength)
    {
        for (int i = 0; i < missedOutput.size(); i++)
        {
            missedOutput.get(i).outputTooLong(length, maxLength); // leaves the group
        }
        missedOutput.clear();
    }

    private void disconnectSlow()
    {
        for (int i = 0; i < slow.size(); i++)
        {
            slow.get(i).tooSlow(); // leaves the group
        }
        slow.clear();
    }
}
