package io.pitgun.gateway;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokens of a token file as read at one moment: immutable, so the request path reads it without a lock while the
 * {@link TokenStore} swaps in the next one. {@link #authenticate} checks {@code Authorization: Bearer ID.SECRET}.
 */
public final class TokenSnapshot
{
    /** The scheme of the {@code Authorization} header, RFC 6750. */
    static final String BEARER = "Bearer ";
    /** Longest secret read: {@code pitgun token add} makes 43 characters; anything much longer is not one of ours. */
    private static final int MAX_SECRET_CHARS = 128;

    private final Map<String, AccessToken> byId;
    /** The resolved allow-lists of the tokens that have any (only when read against a dictionary). */
    private final Map<String, TokenScope> scopes = new HashMap<>();

    TokenSnapshot(final Collection<AccessToken> tokens)
    {
        this(tokens, null);
    }

    /**
     * @param registry the dictionary the allow-lists' channels are resolved against, or null not to resolve them
     *                 ({@code pitgun token list} needs none).
     * @throws IllegalArgumentException when an allow-list names a channel the dictionary does not define.
     */
    TokenSnapshot(final Collection<AccessToken> tokens, final io.pitgun.codecs.dictionary.ParameterRegistry registry)
    {
        final Map<String, AccessToken> map = new HashMap<>();
        for (final AccessToken token : tokens)
        {
            map.put(token.id(), token);
            final TokenScope scope = registry == null ? null : TokenScope.of(token, registry);
            if (scope != null)
            {
                scopes.put(token.id(), scope);
            }
        }
        this.byId = map;
    }

    /** The allow-lists of {@code token} as the gateway checks them, or null: it has none. */
    TokenScope scopeOf(final AccessToken token)
    {
        return token == null ? null : scopes.get(token.id());
    }

    /** The tokens, by id. */
    public List<AccessToken> tokens()
    {
        final List<AccessToken> tokens = new ArrayList<>(byId.values());
        tokens.sort(Comparator.comparing(AccessToken::id));
        return tokens;
    }

    /** The token {@code id}, or null. */
    public AccessToken byId(final String id)
    {
        return byId.get(id);
    }

    /**
     * The token an {@code Authorization} header value presents, or null when it presents none that this snapshot
     * holds with that secret. The secret is hashed into {@code hasher}'s scratch (no allocation for it) and compared
     * in constant time; only the id is cut out as a string to look it up.
     */
    AccessToken authenticate(final String authorization, final TokenHasher hasher)
    {
        if (authorization == null || authorization.length() <= BEARER.length() ||
            !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length()))
        {
            return null;
        }
        int start = BEARER.length();
        while (start < authorization.length() && authorization.charAt(start) == ' ')
        {
            start++;
        }
        final int dot = authorization.indexOf('.', start);
        int end = authorization.length();
        while (end > dot && authorization.charAt(end - 1) == ' ')
        {
            end--;
        }
        if (dot <= start || end - dot - 1 <= 0 || end - dot - 1 > MAX_SECRET_CHARS)
        {
            return null;
        }
        final AccessToken token = byId.get(authorization.substring(start, dot));
        if (token == null)
        {
            return null;
        }
        final byte[] digest = hasher.sha256(authorization, dot + 1, end);
        return digest != null && MessageDigest.isEqual(digest, token.secretSha256()) ? token : null;
    }
}
