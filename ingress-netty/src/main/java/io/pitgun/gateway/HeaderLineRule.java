package io.pitgun.gateway;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.util.Iterator;

/**
 * The header lines a request may have only once, which Netty's decoder passes: RFC 9112 §3.2 has a server answer
 * 400 to a request with more than one {@code Host} line, and to an HTTP/1.1 request with none; RFC 6454 §7.3 has a
 * browser send at most one {@code Origin} line; RFC 9110 §11.6.2 makes {@code Authorization} one credential, not a
 * list. Each matters beyond conformance: the DNS-rebinding, origin and token checks ({@link ConnectionAccess}) read
 * one line of each, and a proxy in front may act on another.
 */
final class HeaderLineRule
{
    private HeaderLineRule()
    {
    }

    /** What is wrong with {@code request}'s {@code Host}, {@code Origin} and {@code Authorization} lines, or null. */
    static String problem(final HttpRequest request)
    {
        final Iterator<? extends CharSequence> hosts =
            request.headers().valueCharSequenceIterator(HttpHeaderNames.HOST);
        if (!hosts.hasNext())
        {
            if (!HttpVersion.HTTP_1_0.equals(request.protocolVersion()))
            {
                return "an HTTP/1.1 request must have a Host header (RFC 9112 section 3.2)";
            }
        }
        else
        {
            hosts.next();
            if (hosts.hasNext())
            {
                return "more than one Host header line (RFC 9112 section 3.2)";
            }
        }
        if (moreThanOne(request, HttpHeaderNames.ORIGIN))
        {
            return "more than one Origin header line (RFC 6454 section 7.3)";
        }
        if (moreThanOne(request, HttpHeaderNames.AUTHORIZATION))
        {
            return "more than one Authorization header line (RFC 9110 section 11.6.2: one credential)";
        }
        return null;
    }

    private static boolean moreThanOne(final HttpRequest request, final CharSequence name)
    {
        final Iterator<? extends CharSequence> lines = request.headers().valueCharSequenceIterator(name);
        if (!lines.hasNext())
        {
            return false;
        }
        lines.next();
        return lines.hasNext();
    }
}
