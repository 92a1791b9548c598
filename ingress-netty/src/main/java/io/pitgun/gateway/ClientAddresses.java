package io.pitgun.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One spelling per client address, so that configured addresses match peers: {@code ::1}, {@code [::1]} and
 * {@code 0:0:0:0:0:0:0:1} are the same client, and a peer's address is written by
 * {@link InetAddress#getHostAddress()} in the long form. Anything that is not an IP literal (a token id) is kept as
 * it is; no name is ever resolved.
 */
final class ClientAddresses
{
    /**
     * The one identity of every loopback address ({@code 127.0.0.0/8}, {@code ::1}) without tokens: the same
     * machine is one client, so 20 loopback addresses do not get 20 rate-limit buckets, and {@code RESTRICTED_CLIENTS}
     * naming any of them names them all.
     */
    static final String LOOPBACK = "loopback";

    private ClientAddresses()
    {
    }

    /** The client identity of {@code address} without tokens: {@link #LOOPBACK} for a loopback one, else canonical. */
    static String identity(final String address)
    {
        final String canonical = canonical(address);
        if (!isIpLiteral(canonical))
        {
            return canonical;
        }
        try
        {
            return InetAddress.getByName(canonical).isLoopbackAddress() ? LOOPBACK : canonical; // a literal: no DNS
        }
        catch (final UnknownHostException ex)
        {
            return canonical;
        }
    }

    /** {@code text} as {@link InetAddress#getHostAddress()} writes that address, or {@code text} if it is not one. */
    static String canonical(final String text)
    {
        String literal = text;
        if (literal.startsWith("[") && literal.endsWith("]"))
        {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (!isIpLiteral(literal))
        {
            return text;
        }
        try
        {
            // A literal: parsed, never looked up in DNS.
            return InetAddress.getByName(literal).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            return text;
        }
    }

    /**
     * An IPv6 literal (has a colon; the JDK refuses a malformed one without a lookup) or a dotted IPv4 one: four
     * numbers of 0 to 255. Strictly: the JDK sends anything else it is given, {@code 999.1.1.8} included, to DNS, and a
     * client's {@code Host} or {@code X-Forwarded-For} must never make the event loop wait for a name server.
     */
    static boolean isIpLiteral(final String text)
    {
        if (text.isEmpty())
        {
            return false;
        }
        if (text.indexOf(':') >= 0)
        {
            for (int i = 0; i < text.length(); i++)
            {
                final char c = text.charAt(i);
                if (!(c == ':' || c == '.' || c == '%' || Character.digit(c, 16) >= 0))
                {
                    return false;
                }
            }
            return true;
        }
        int dots = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '.')
            {
                if (digits == 0)
                {
                    return false;
                }
                dots++;
                value = 0;
                digits = 0;
            }
            else if (c >= '0' && c <= '9' && digits < 3)
            {
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }
        return dots == 3 && digits > 0;
    }
}
