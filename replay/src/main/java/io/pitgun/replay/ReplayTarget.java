package io.pitgun.replay;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Where the gateway listens: {@code host:port}, {@code [v6]:port}, {@code http://host:port}, or one of the gateway's
 * URLs as the tools print them ({@code http://host:port/beacon}, {@code ws://host:port/ws}). The same forms are
 * accepted by {@code replay} and {@code loadgen}. Loopback only unless
 * the user asks for more: a replay floods its target, and pointing it at a shared gateway by a typo should not be
 * possible.
 *
 * @param host the host name or address as given (IPv6 without brackets).
 * @param port the TCP port.
 */
public record ReplayTarget(String host, int port)
{
    /** The paths of the gateway's URLs a target may end with (they all name the same gateway). */
    private static final String[] GATEWAY_PATHS = {"/beacon/", "/beacon", "/ws/", "/ws", "/"};

    /**
     * Parses a target.
     *
     * @throws ReplayInputException naming what is wrong.
     */
    public static ReplayTarget parse(final String text)
    {
        String rest = text.trim();
        if (rest.startsWith("http://"))
        {
            rest = rest.substring("http://".length());
        }
        else if (rest.startsWith("ws://"))
        {
            rest = rest.substring("ws://".length());
        }
        else if (rest.contains("://"))
        {
            throw new ReplayInputException("--target " + text + ": only http:// (or ws://) targets are supported " +
                "(--ws switches to the gateway's WebSocket on the same address)");
        }
        for (final String path : GATEWAY_PATHS)
        {
            if (rest.endsWith(path))
            {
                rest = rest.substring(0, rest.length() - path.length());
                break;
            }
        }
        if (rest.indexOf('/') >= 0)
        {
            throw new ReplayInputException("--target " + text + ": expected host:port, http://host:port or the " +
                "gateway's http://host:port/beacon");
        }
        final String host;
        final String port;
        if (rest.startsWith("["))
        {
            final int close = rest.indexOf(']');
            if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':')
            {
                throw new ReplayInputException("--target " + text + ": expected [ipv6]:port");
            }
            host = rest.substring(1, close);
            port = rest.substring(close + 2);
        }
        else
        {
            final int colon = rest.lastIndexOf(':');
            if (colon <= 0 || rest.indexOf(':') != colon)
            {
                throw new ReplayInputException("--target " + text + ": expected host:port, e.g. 127.0.0.1:8080");
            }
            host = rest.substring(0, colon);
            port = rest.substring(colon + 1);
        }
        final int number;
        try
        {
            number = Integer.parseInt(port);
        }
        catch (final NumberFormatException ex)
        {
            throw new ReplayInputException("--target " + text + ": port '" + port + "' is not a number");
        }
        if (number < 1 || number > 65_535)
        {
            throw new ReplayInputException("--target " + text + ": port must be in [1, 65535]");
        }
        return new ReplayTarget(host, number);
    }

    /** Whether every address the host resolves to is a loopback address. */
    public boolean isLoopback()
    {
        try
        {
            final InetAddress[] addresses = InetAddress.getAllByName(host);
            for (final InetAddress address : addresses)
            {
                if (!address.isLoopbackAddress())
                {
                    return false;
                }
            }
            return addresses.length > 0;
        }
        catch (final UnknownHostException ex)
        {
            throw new ReplayInputException("--target " + host + ":" + port + ": unknown host");
        }
    }

    /** {@code http://host:port}: the gateway's base URL. */
    public URI baseUri()
    {
        return URI.create("http://" + authority());
    }

    private String authority()
    {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code http://host:port/beacon}. */
    public URI beaconUri()
    {
        return URI.create("http://" + authority() + "/beacon");
    }

    /** {@code ws://host:port/ws}. */
    public URI webSocketUri()
    {
        return URI.create("ws://" + authority() + "/ws");
    }

    @Override
    public String toString()
    {
        return authority();
    }
}
