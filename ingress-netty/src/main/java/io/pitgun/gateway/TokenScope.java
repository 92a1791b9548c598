package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.SessionEndDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import org.agrona.DirectBuffer;

import java.util.List;
import java.util.Locale;

import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_BLOCK_LENGTH_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_COUNT_OFFSET;
import static io.pitgun.codecs.frame.FrameDescriptor.GROUP_HEADER_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.HEADER_LENGTH;
import static io.pitgun.codecs.frame.FrameDescriptor.ORDER;
import static io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_ID;

/**
 * The allow-lists of one token ({@code sessions}, {@code channels} in the token file), resolved once when the token
 * file is loaded into what the request path checks without allocating:
 * <ul>
 * <li>each session pattern as a mask and value over the 128 bits of a session id. Session ids are UUIDs; a pattern
 * is a canonical UUID ({@code 0192f3a4-5b6c-7d8e-9f00-112233445566}) or a prefix of one ending in {@code *}
 * ({@code 0192f3a4-*}): its {@code k} hex digits are the id's top {@code 4k} bits, so a match is two ANDs and two
 * compares per pattern;</li>
 * <li>the channels as a bitset over dictionary parameter ids, one bit test per sample.</li>
 * </ul>
 * An absent list allows everything of its kind. Immutable: shared by every event loop.
 */
final class TokenScope
{
    /** {@link #check}: every frame is within the scope. */
    static final int ALLOWED = -1;

    private static final String UUID_LAYOUT = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

    private final List<String> sessionPatterns;
    private final List<String> channelNames;
    private final long[] maskMsb;
    private final long[] maskLsb;
    private final long[] valueMsb;
    private final long[] valueLsb;
    /** One bit per dictionary parameter id; null when channels are not limited. */
    private final long[] channelBits;

    private TokenScope(final List<String> sessionPatterns, final List<String> channelNames, final long[] channelBits)
    {
        this.sessionPatterns = List.copyOf(sessionPatterns);
        this.channelNames = List.copyOf(channelNames);
        final int n = sessionPatterns.size();
        maskMsb = new long[n];
        maskLsb = new long[n];
        valueMsb = new long[n];
        valueLsb = new long[n];
        for (int i = 0; i < n; i++)
        {
            final String hex = hexDigits(sessionPatterns.get(i));
            for (int d = 0; d < hex.length(); d++)
            {
                final long digit = Character.digit(hex.charAt(d), 16);
                if (d < 16)
                {
                    final int shift = 60 - 4 * d;
                    maskMsb[i] |= 0xFL << shift;
                    valueMsb[i] |= digit << shift;
                }
                else
                {
                    final int shift = 60 - 4 * (d - 16);
                    maskLsb[i] |= 0xFL << shift;
                    valueLsb[i] |= digit << shift;
                }
            }
        }
        this.channelBits = channelBits;
    }

    /**
     * Resolves the allow-lists of {@code token} against {@code registry}; null when the token has none (it may do
     * everything its capabilities allow).
     *
     * @throws IllegalArgumentException naming the token and a channel the dictionary does not define.
     */
    static TokenScope of(final AccessToken token, final ParameterRegistry registry)
    {
        if (token.sessions().isEmpty() && token.channels().isEmpty())
        {
            return null;
        }
        long[] bits = null;
        if (!token.channels().isEmpty())
        {
            bits = new long[(registry.maxId() >> 6) + 1];
            for (final String name : token.channels())
            {
                final ParameterDefinition definition = registry.byName(name);
                if (definition == null)
                {
                    throw new IllegalArgumentException("token '" + token.id() + "': channel '" + name +
                        "' is not in dictionary " + registry.name());
                }
                bits[definition.id() >> 6] |= 1L << definition.id();
            }
        }
        return new TokenScope(token.sessions(), token.channels(), bits);
    }

    /** Null when {@code pattern} may name sessions in a token file, else why not. */
    static String sessionPatternProblem(final String pattern)
    {
        final String body = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        final boolean exact = body.length() == pattern.length();
        if (exact ? body.length() != UUID_LAYOUT.length() : body.length() > UUID_LAYOUT.length())
        {
            return "session '" + pattern + "': a session id (a UUID, 36 characters) or a prefix of one ending in '*'";
        }
        for (int i = 0; i < body.length(); i++)
        {
            final char c = body.charAt(i);
            final boolean ok = UUID_LAYOUT.charAt(i) == '-' ? c == '-' : Character.digit(c, 16) >= 0;
            if (!ok)
            {
                return "session '" + pattern + "': character " + (i + 1) + " must be " +
                    (UUID_LAYOUT.charAt(i) == '-' ? "'-'" : "a hex digit") + " (session ids are UUIDs)";
            }
        }
        return null;
    }

    private static String hexDigits(final String pattern)
    {
        final String body = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        return body.replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** Whether the session {@code msb:lsb} is allowed. */
    boolean allowsSession(final long msb, final long lsb)
    {
        final int n = maskMsb.length;
        if (n == 0)
        {
            return true;
        }
        for (int i = 0; i < n; i++)
        {
            if ((msb & maskMsb[i]) == valueMsb[i] && (lsb & maskLsb[i]) == valueLsb[i])
            {
                return true;
            }
        }
        return false;
    }

    /** Whether sessions are limited. */
    boolean limitsSessions()
    {
        return maskMsb.length > 0;
    }

    /** Whether channels are limited. */
    boolean limitsChannels()
    {
        return channelBits != null;
    }

    /** Whether dictionary channel {@code parameterId} is allowed. */
    boolean allowsChannel(final int parameterId)
    {
        final long[] bits = channelBits;
        if (bits == null)
        {
            return true;
        }
        final int word = parameterId >> 6;
        return word < bits.length && (bits[word] & 1L << parameterId) != 0;
    }

    /**
     * Checks the {@code count} validated messages at {@code offsets[first..]} of {@code buffer}: {@link #ALLOWED}, or
     * a refusal ({@link #refusedFrame(int)} and {@link #reason(int)} read it): the scope is shared by every event loop,
     * so the outcome is returned, never kept. Allocation-free.
     */
    int check(final DirectBuffer buffer, final int[] offsets, final int first, final int count)
    {
        for (int m = 0; m < count; m++)
        {
            final int offset = offsets[first + m];
            final int template = FrameDescriptor.templateId(buffer, offset);
            final long msb;
            final long lsb;
            if (template == TelemetryFrameDecoder.TEMPLATE_ID)
            {
                msb = buffer.getLong(offset + FrameDescriptor.SESSION_MSB, ORDER);
                lsb = buffer.getLong(offset + FrameDescriptor.SESSION_LSB, ORDER);
            }
            else if (template == SessionStartDecoder.TEMPLATE_ID || template == SessionEndDecoder.TEMPLATE_ID)
            {
                msb = buffer.getLong(offset + FrameDescriptor.MARKER_SESSION_MSB, ORDER);
                lsb = buffer.getLong(offset + FrameDescriptor.MARKER_SESSION_LSB, ORDER);
            }
            else
            {
                continue;
            }
            if (!allowsSession(msb, lsb))
            {
                return refused(m, RejectReason.SESSION_NOT_ALLOWED);
            }
            if (channelBits != null && template == TelemetryFrameDecoder.TEMPLATE_ID && !channelsAllowed(buffer, offset))
            {
                return refused(m, RejectReason.CHANNEL_NOT_ALLOWED);
            }
        }
        return ALLOWED;
    }

    private static int refused(final int frame, final RejectReason reason)
    {
        return frame << 1 | (reason == RejectReason.CHANNEL_NOT_ALLOWED ? 1 : 0);
    }

    /** The frame (among those checked) a refusal of {@link #check} names. */
    static int refusedFrame(final int outcome)
    {
        return outcome >>> 1;
    }

    /** Why {@link #check} refused. */
    static RejectReason reason(final int outcome)
    {
        return (outcome & 1) != 0 ? RejectReason.CHANNEL_NOT_ALLOWED : RejectReason.SESSION_NOT_ALLOWED;
    }

    private boolean channelsAllowed(final DirectBuffer buffer, final int offset)
    {
        final int groupHeader = offset + HEADER_LENGTH + FrameDescriptor.blockLength(buffer, offset);
        final int stride = buffer.getShort(groupHeader + GROUP_BLOCK_LENGTH_OFFSET, ORDER) & 0xFFFF;
        final int count = buffer.getShort(groupHeader + GROUP_COUNT_OFFSET, ORDER) & 0xFFFF;
        int sample = groupHeader + GROUP_HEADER_LENGTH;
        for (int i = 0; i < count; i++, sample += stride)
        {
            if (!allowsChannel(buffer.getShort(sample + SAMPLE_ID, ORDER) & 0xFFFF))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The message for the client of refusal {@code outcome} (cold path): which frame, which session or channel, and
     * what the token allows. {@code offset} is the refused frame's.
     */
    String describe(final String tokenId, final int outcome, final DirectBuffer buffer, final int offset,
        final ParameterRegistry registry)
    {
        if (reason(outcome) == RejectReason.SESSION_NOT_ALLOWED)
        {
            final boolean marker = FrameDescriptor.templateId(buffer, offset) != TelemetryFrameDecoder.TEMPLATE_ID;
            final java.util.UUID session = new java.util.UUID(
                buffer.getLong(offset + (marker ? FrameDescriptor.MARKER_SESSION_MSB : FrameDescriptor.SESSION_MSB), ORDER),
                buffer.getLong(offset + (marker ? FrameDescriptor.MARKER_SESSION_LSB : FrameDescriptor.SESSION_LSB), ORDER));
            return "frame " + refusedFrame(outcome) + ": token '" + tokenId + "' may not write session " + session +
                " (its sessions: " + String.join(", ", sessionPatterns) + ")";
        }
        String channel = "?";
        final int groupHeader = offset + HEADER_LENGTH + FrameDescriptor.blockLength(buffer, offset);
        final int stride = buffer.getShort(groupHeader + GROUP_BLOCK_LENGTH_OFFSET, ORDER) & 0xFFFF;
        final int count = buffer.getShort(groupHeader + GROUP_COUNT_OFFSET, ORDER) & 0xFFFF;
        int sample = groupHeader + GROUP_HEADER_LENGTH;
        for (int i = 0; i < count; i++, sample += stride)
        {
            final int id = buffer.getShort(sample + SAMPLE_ID, ORDER) & 0xFFFF;
            if (!allowsChannel(id))
            {
                final ParameterDefinition definition = registry.byId(id);
                channel = definition == null ? Integer.toString(id) : definition.name();
                break;
            }
        }
        return "frame " + refusedFrame(outcome) + ": token '" + tokenId + "' may not write channel " + channel +
            " (its channels: " + String.join(", ", channelNames) + ")";
    }

    /** The channel names, as in the token file. */
    List<String> channelNames()
    {
        return channelNames;
    }

    /** The session patterns, as in the token file. */
    List<String> sessionPatterns()
    {
        return sessionPatterns;
    }
}
