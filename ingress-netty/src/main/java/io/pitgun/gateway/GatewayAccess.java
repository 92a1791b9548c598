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
    /** Host names (no port) of {@code ALLOWED_ORIGINS}: a request naming one of them is not a rebinding. */
    private final Set<String> allowedHosts;
    /** {@link #checksHost}. */
    private final boolean checksHost;
    /** The scheme of the gateway's own pages: {@code https://} with TLS, else {@code http://}. */
    private final String ownScheme;

    GatewayAccess(final GatewayConfig config, final GatewayCounters counters,
        final io.pitgun.codecs.dictionary.ParameterRegistry registry)
    {
        this.tokens = config.security().tokensFile().map(file -> new TokenStore(file, counters, registry))
            .orElse(null);
        this.allowedOrigins = config.security().allowedOrigins();
        this.trustedProxies = config.security().trustedProxies();
        this.restrictedClients = config.restrictedClients();
        final InetAddress address = config.bind().getAddress();
        this.bindHost = address == null ? "" : address.getHostAddress();
        final Set<String> hosts = new java.util.HashSet<>();
        for (final String origin : allowedOrigins)
        {
            final int scheme = origin.indexOf("://");
            hosts.add(hostName(scheme < 0 ? origin : origin.substring(scheme + 3)));
        }
        this.allowedHosts = Set.copyOf(hosts);
        this.checksHost = tokens == null && address != null && address.isLoopbackAddress();
        this.ownScheme = config.tlsCert().isPresent() ? "https://" : "http://";
    }

    /**
     * Whether every request's {@code Host} is checked ({@link #hostAllowed}): on a loopback bind without tokens, where
     * the open GET endpoints would otherwise answer a page that resolved its own name to 127.0.0.1 (DNS rebinding).
     * With tokens the endpoints that tell anything need a token, which such a page does not have; on another bind
     * clients name the gateway by names the gateway cannot know.
     */
    boolean checksHost()
    {
        return checksHost;
    }

    /**
     * Whether {@code host} (a {@code Host} header value) names this loopback gateway: {@code localhost}, an address of
     * {@code 127.0.0.0/8}, {@code [::1]}, the bound address, or a host of {@code ALLOWED_ORIGINS} (any port: the port
     * is the gateway's whichever name reached it). Cold path: once per connection and value.
     */
    boolean hostAllowed(final String host)
    {
        final String name = hostName(host.trim().toLowerCase(Locale.ROOT));
        return name.equals("localhost") || name.equals("::1") || isLoopbackV4(name) || name.equals(bindHost) ||
            allowedHosts.contains(name);
    }

    /** {@code 127.a.b.c} with each part a decimal number up to 255. */
    private static boolean isLoopbackV4(final String name)
    {
        final String[] parts = name.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127"))
        {
            return false;
        }
        for (final String part : parts)
        {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit) ||
                Integer.parseInt(part) > 255)
            {
                return false;
            }
        }
        return true;
    }

    /** The tokens, or null when TOKENS_FILE is not set. */
    TokenStore tokens()
    {
        return tokens;
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
        // Only this gateway's own scheme: an https:// page is not the plain gateway's own, nor the reverse.
        final int scheme = lowerOrigin.startsWith(ownScheme) ? ownScheme.length() : -1;
        if (host == null || scheme < 0 || lowerOrigin.length() != scheme + host.length() ||
            !lowerOrigin.regionMatches(true, scheme, host, 0, host.length()))
        {
            return false;
        }
        final String name = hostName(host.toLowerCase(Locale.ROOT));
        return name.equals("localhost") || name.equals("127.0.0.1") || name.equals("::1") || name.equals(bindHost) ||
            ClientAddresses.canonical(name).equals(bindHost);
    }

    /**
     * The host of a {@code Host} header value, without port and brackets; "" (no host this gateway answers to) when
     * what follows it is not a port: {@code 127.0.0.1:1@evil.example} and {@code [::1].evil} name no loopback host.
     */
    private static String hostName(final String host)
    {
        final int portColon;
        final String name;
        if (host.startsWith("["))
        {
            final int close = host.indexOf(']');
            if (close < 0)
            {
                return "";
            }
            name = host.substring(1, close);
            portColon = close + 1;
            if (portColon < host.length() && host.charAt(portColon) != ':')
            {
                return "";
            }
        }
        else
        {
            portColon = host.lastIndexOf(':');
            name = portColon < 0 ? host : host.substring(0, portColon);
        }
        for (int i = portColon + 1; portColon >= 0 && i < host.length(); i++)
        {
            if (host.charAt(i) < '0' || host.charAt(i) > '9')
            {
                return "";
            }
        }
        return name;
    }
}
