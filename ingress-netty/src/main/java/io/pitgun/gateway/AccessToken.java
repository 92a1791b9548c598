package io.pitgun.gateway;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * One entry of a token file: its id (the identity rate limits, {@code RESTRICTED_CLIENTS} and the audit log key on),
 * the SHA-256 of its secret (the secret itself is never stored), what it may do, and its own request rate.
 *
 * @param id                 {@code [A-Za-z0-9_-]}, 1 to 64 characters: never secret, it appears in logs.
 * @param secretSha256       32 bytes.
 * @param capabilities       a mask of {@link Capability#bit()}s.
 * @param rateLimitPerSecond requests (and WebSocket messages) per second for this token; 0: the gateway's
 *                           {@code RATE_LIMIT}.
 * @param created            when {@code pitgun token add} made it (ISO-8601), for the operator.
 * @param sessions           the sessions it may write and read (session ids or prefixes ending in {@code *});
 *                           empty: every session.
 * @param channels           the dictionary channels it may write and read (what derives only from them too);
 *                           empty: every channel its capabilities allow.
 */
public record AccessToken(String id, byte[] secretSha256, int capabilities, int rateLimitPerSecond, String created,
    List<String> sessions, List<String> channels)
{
    /** Copies the lists: a token is immutable, shared by every event loop. */
    public AccessToken
    {
        sessions = List.copyOf(sessions);
        channels = List.copyOf(channels);
    }

    /** The longest id. */
    public static final int MAX_ID_LENGTH = 64;

    /** Whether this token has {@code capability}. */
    public boolean has(final Capability capability)
    {
        return (capabilities & capability.bit()) != 0;
    }

    /** The capabilities, as a set. */
    public Set<Capability> capabilitySet()
    {
        final EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
        for (final Capability capability : Capability.values())
        {
            if (has(capability))
            {
                set.add(capability);
            }
        }
        return set;
    }

    /** The mask of {@code capabilities}. */
    static int mask(final Set<Capability> capabilities)
    {
        int mask = 0;
        for (final Capability capability : capabilities)
        {
            mask |= capability.bit();
        }
        return mask;
    }

    /** Null when {@code id} may name a token, else why not. */
    public static String idProblem(final String id)
    {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH)
        {
            return "a token id has 1 to " + MAX_ID_LENGTH + " characters";
        }
        for (int i = 0; i < id.length(); i++)
        {
            final char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'))
            {
                return "token id '" + id + "': only letters, digits, '_' and '-' (the '.' separates id and secret)";
            }
        }
        return null;
    }
}
