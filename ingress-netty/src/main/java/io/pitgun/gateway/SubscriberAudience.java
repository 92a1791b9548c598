package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.engine.ChannelAccess;
import io.pitgun.engine.InsightRedactor;
import org.agrona.DirectBuffer;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The live subscribers of one event loop that may see the same outputs: same access levels ({@code read_restricted}
 * or not), same token allow-lists, same requested session. Each output is encoded once per audience that has members
 * and passes its session filter, so a loop whose subscribers all see the same still encodes once. Built when the
 * first such subscriber joins (cold path); {@link #showsFrame} is two reads and the allow-list's compares.
 *
 * <p>A token's channel allow-list names dictionary channels; a derived channel is shown only when every channel it
 * reads (directly or through other derived channels) is shown, as for access levels: its value tells about them.
 */
final class SubscriberAudience
{
    final boolean readsRestricted;
    private final List<String> scopeSessions;
    private final List<String> scopeChannels;
    private final TokenScope scope;
    private final boolean requested;
    private final long requestedMsb;
    private final long requestedLsb;
    final FrameJsonEncoder encoder;
    final InsightRedactor redactor;
    int members;

    SubscriberAudience(final GatewayServer server, final FrameJsonEncoder.ChannelNames names,
        final boolean readsRestricted, final TokenScope scope, final UUID session)
    {
        this.readsRestricted = readsRestricted;
        this.scope = scope;
        this.scopeSessions = scope == null ? List.of() : scope.sessionPatterns();
        this.scopeChannels = scope == null ? List.of() : scope.channelNames();
        this.requested = session != null;
        this.requestedMsb = session == null ? 0 : session.getMostSignificantBits();
        this.requestedLsb = session == null ? 0 : session.getLeastSignificantBits();
        final Set<AccessLevel> levels = readsRestricted ? SubscriberGroup.WITH_RESTRICTED : SubscriberGroup.PUBLIC_ONLY;
        final FrameJsonEncoder.ChannelFilter byLevel = server.channelAccess().readableIn(levels);
        final FrameJsonEncoder.ChannelFilter filter;
        if (scope == null || !scope.limitsChannels())
        {
            filter = byLevel;
        }
        else
        {
            final boolean[] allowed = allowedChannels(server, scope);
            filter = id -> byLevel.shows(id) && allowed[id];
        }
        this.encoder = new FrameJsonEncoder(server.registry(), names, filter, server.channelAccess().marksFrames(filter));
        this.redactor = new InsightRedactor(server.pipeline().manifest(), filter);
    }

    /**
     * The first channel a filter of the running manifest reads that {@code scope}'s channel allow-list does not show
     * (nor derive from what it shows), or null when there is none or the channels are not limited. A subscriber of
     * such a token must not be served: which frames pass would tell about that channel. Cold path.
     */
    static ChannelAccess.FilterRead filterReadOutside(final GatewayServer server, final TokenScope scope)
    {
        if (scope == null || !scope.limitsChannels() || server.channelAccess().filterReads().isEmpty())
        {
            return null;
        }
        final boolean[] allowed = allowedChannels(server, scope);
        for (final ChannelAccess.FilterRead read : server.channelAccess().filterReads())
        {
            if (!allowed[read.parameterId()])
            {
                return read;
            }
        }
        return null;
    }

    /**
     * The dictionary channels the allow-list names, and the derived channels that read only those, indexed by
     * parameter id. Cold path (a subscriber's upgrade or audience).
     */
    static boolean[] allowedChannels(final GatewayServer server, final TokenScope scope)
    {
        return server.channelAccess().readableFrom(scope::allowsChannel);
    }

    /** Whether members with these properties belong to this audience. */
    boolean matches(final boolean readsRestricted, final TokenScope scope, final UUID session)
    {
        return this.readsRestricted == readsRestricted &&
            scopeSessions.equals(scope == null ? List.of() : scope.sessionPatterns()) &&
            scopeChannels.equals(scope == null ? List.of() : scope.channelNames()) &&
            requested == (session != null) &&
            (session == null || session.getMostSignificantBits() == requestedMsb &&
            session.getLeastSignificantBits() == requestedLsb);
    }

    /** Whether this audience reads only some sessions (insights are then read for theirs). */
    boolean filtersSessions()
    {
        return requested || scope != null && scope.limitsSessions();
    }

    /** Whether the session {@code msb:lsb} may reach this audience. */
    boolean showsSession(final long msb, final long lsb)
    {
        return (!requested || msb == requestedMsb && lsb == requestedLsb) &&
            (scope == null || scope.allowsSession(msb, lsb));
    }

    /** Whether the output frame at {@code offset} may reach this audience (its session). */
    boolean showsFrame(final DirectBuffer buffer, final int offset)
    {
        if (!filtersSessions() || FrameDescriptor.templateId(buffer, offset) != TelemetryFrameDecoder.TEMPLATE_ID)
        {
            return true;
        }
        return showsSession(buffer.getLong(offset + FrameDescriptor.SESSION_MSB, FrameDescriptor.ORDER),
            buffer.getLong(offset + FrameDescriptor.SESSION_LSB, FrameDescriptor.ORDER));
    }

    /** Whether an insight of {@code session} (null: it names none) may reach this audience. */
    boolean showsInsight(final UUID session)
    {
        return !filtersSessions() || session != null &&
            showsSession(session.getMostSignificantBits(), session.getLeastSignificantBits());
    }

    @Override
    public String toString()
    {
        return "audience(restricted=" + readsRestricted + ", sessions=" + scopeSessions + ", channels=" +
            scopeChannels + (requested ? ", session=" + new UUID(requestedMsb, requestedLsb) : "") + ")";
    }

    /** Whether two scopes hold the same allow-lists (a reload makes a new scope for an unchanged token). */
    static boolean sameLists(final TokenScope a, final TokenScope b)
    {
        return Objects.equals(a == null ? null : a.sessionPatterns(), b == null ? null : b.sessionPatterns()) &&
            Objects.equals(a == null ? null : a.channelNames(), b == null ? null : b.channelNames());
    }
}
