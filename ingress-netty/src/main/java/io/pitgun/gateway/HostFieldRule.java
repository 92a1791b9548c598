package io.pitgun.gateway;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.util.Iterator;

/**
 * RFC 9112 §3.2: a server must answer 400 to a request with more than one {@code Host} field line, and to an
 * HTTP/1.1 request with none. Netty's decoder passes both. Two lines matter beyond conformance: the DNS-rebinding
 * check ({@link ConnectionAccess}) reads one of them, and a proxy in front may route by the other.
 */
final class HostFieldRule
{
    private HostFieldRule()
    {
    }

    /** What is wrong with {@code request}'s {@code Host} field lines, or null when nothing is. */
    static String problem(final HttpRequest request)
    {
        final Iterator<? extends CharSequence> hosts =
            request.headers().valueCharSequenceIterator(HttpHeaderNames.HOST);
        if (!hosts.hasNext())
        {
            return HttpVersion.HTTP_1_0.equals(request.protocolVersion()) ? null :
                "an HTTP/1.1 request must have a Host header (RFC 9112 section 3.2)";
        }
        hosts.next();
        return hosts.hasNext() ? "more than one Host header line (RFC 9112 section 3.2)" : null;
    }
}
