package io.pitgun.gateway;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;

/**
 * The gateway's access policy, shared by every connection (each has its {@link ConnectionAccess}): the tokens (or
 * none: the loopback default, where every endpoint is open as before tokens existed), the origins browsers may
 * come from, the proxies whose {@code X-Forwarded-For} is believed, and who may send restricted channels.
 */
final class GatewayAccess
{
    private final TokenStore tokens;
    private final Set<String> allowedOrigins;
    private final Set<String> trustedProxies;
    private final Set<String> restrictedClients;
    private final String bindHost;

    GatewayAccess(final GatewayConfig config, final GatewayCounters counters)
    {
        this.tokens = config.security().tokensFile().map(file -> new TokenStore(file, counters)).orElse(null);
        this.allowedOrigins = config.security().allowedOrigins();
        this.trustedProxies = config.security().trustedProxies();
        this.restrictedClients = config.restrictedClients();
        final InetAddress address = config.bind().getAddress();
        this.bindHost = address == null ? "" : address.getHostAddress();
    }

    /** The tokens, or null when TOKENS_FILE is not set. */
    TokenStore tokens()
    {
        return tokens;
    }

    /** The request rate of {@code client}'s token (its {@code rate_limit}), or 0: the gateway's {@code RATE_LIMIT}. */
    int rateLimitOf(final String client)
    {
        if (tokens == null)
        {
            return 0;
        }
        final AccessToken token = tokens.snapshot().byId(client);
        return token == null ? 0 : token.rateLimitPerSecond();
    }

    boolean isTrustedProxy(final String peerAddress)
    {
        return trustedProxies.contains(peerAddress);
    }

    /** Whether {@code client} (a canonical address, or with tokens a token id) may send restricted channels. */
    boolean mayIngestRestricted(final String client)
    {
        return restrictedClients.contains(client);
    }

    /**
     * Whether a browser page from {@code origin} may POST or open a WebSocket here: one in {@code ALLOWED_ORIGINS},
     * or the gateway's own pages ({@code http://} or, with TLS, {@code https://} + the request's {@code Host}) when that
     * host is a loopback name or
     * the bound address. Only those: a page of another site reached through DNS rebinding names the attacker's host
     * in {@code Host}, and is refused.
     */
    boolean originAllowed(final String origin, final String host)
    {
        final String lowerOrigin = origin.trim().toLowerCase(Locale.ROOT);
        if (allowedOrigins.contains(lowerOrigin))
        {
            return true;
        }
        final int scheme = lowerOrigin.startsWith("https://") ? "https://".length() :
            lowerOrigin.startsWith("http://") ? "http://".length() : -1;
        if (host == null || scheme < 0 || lowerOrigin.length() != scheme + host.length() ||
            !lowerOrigin.regionMatches(true, scheme, host, 0, host.length()))
        {
            return false;
        }
        final String name = hostName(host.toLowerCase(Locale.ROOT));
        return name.equals("localhost") || name.equals("127.0.0.1") || name.equals("::1") || name.equals(bindHost) ||
            ClientAddresses.canonical(name).equals(bindHost);
    }

    /** The host of a {@code Host} header value, without port and brackets. */
    private static String hostName(final String host)
    {
        if (host.startsWith("["))
        {
            final int close = host.indexOf(']');
            return close < 0 ? host : host.substring(1, close);
        }
        final int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
