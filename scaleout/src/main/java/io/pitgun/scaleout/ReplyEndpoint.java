package io.pitgun.scaleout;

import io.aeron.ChannelUri;

/**
 * The reply address a batch names, as the hive accepts it: {@code aeron:udp?endpoint=IP:PORT} with an IPv4 address
 * or a bracketed IPv6 one and a port in 1..65535. Other channel parameters are ignored (the hive builds the reply
 * channel with its own settings: {@link ReplyConnector}); anything else is refused. Cold path: once per edge start.
 *
 * @param host the IP address, as written (IPv6 in brackets).
 * @param port the port.
 */
record ReplyEndpoint(String host, int port)
{
    /** The endpoint of {@code channel}, or null when it is not one the hive accepts. */
    static ReplyEndpoint parse(final String channel)
    {
        final ChannelUri uri;
        try
        {
            uri = ChannelUri.parse(channel);
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
        final String endpoint = uri.get("endpoint");
        if (!"udp".equals(uri.media()) || endpoint == null)
        {
            return null;
        }
        final int colon = endpoint.lastIndexOf(':');
        if (colon <= 0)
        {
            return null;
        }
        final String host = endpoint.substring(0, colon);
        final int port;
        try
        {
            port = Integer.parseInt(endpoint.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
        if (port < 1 || port > 65_535 || !(isIpv4(host) || isBracketedIpv6(host)))
        {
            return null;
        }
        return new ReplyEndpoint(host, port);
    }

    /** The channel the hive publishes acknowledgements on: nothing but the endpoint. */
    String channel()
    {
        return "aeron:udp?endpoint=" + host + ":" + port;
    }

    /** The host without IPv6's brackets, as an image's source identity names it. */
    String address()
    {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    private static boolean isIpv4(final String host)
    {
        final String[] parts = host.split("\\.", -1);
        if (parts.length != 4)
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

    private static boolean isBracketedIpv6(final String host)
    {
        if (host.length() < 4 || host.charAt(0) != '[' || host.charAt(host.length() - 1) != ']')
        {
            return false;
        }
        final String inner = host.substring(1, host.length() - 1);
        return inner.indexOf(':') >= 0 &&
            inner.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }
}
