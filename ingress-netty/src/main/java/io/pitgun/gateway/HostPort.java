package io.pitgun.gateway;

import java.net.InetSocketAddress;

/** An address as {@code host:port}, the form {@code --bind} takes: an IPv6 literal in brackets, {@code [::1]:8080}. */
public final class HostPort
{
    private HostPort()
    {
    }

    /** {@code 127.0.0.1:8080}, {@code [::1]:8080}, {@code localhost:8080}. */
    public static String of(final InetSocketAddress address)
    {
        final String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
