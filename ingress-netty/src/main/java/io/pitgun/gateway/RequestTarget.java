package io.pitgun.gateway;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The form of a request's target (RFC 9112 §3.2), made the one routing reads. Nearly every client sends the origin
 * form, {@code /path?query}. The absolute form, {@code http://host:port/path?query}, is what a client sends through a
 * proxy, and a server MUST accept it (§3.2.2): it is read as the origin form of its path and query, and its authority
 * takes the place of {@code Host} (§3.2.2, §7.2), so that every part reading the path or the host (routing, the host
 * and origin checks, the WebSocket handshake, the audit line) sees the same request as for the origin form. Before,
 * its whole URI was taken for the path: {@code POST http://127.0.0.1:8080/beacon} was answered 405, every GET 404.
 *
 * <p>Any other target is left as it came and answered as an unknown one (405 or 404, counted): the authority form
 * ({@code CONNECT host:port}) and the asterisk form ({@code OPTIONS *}) name no resource of the gateway, nor does an
 * absolute form of another scheme, without a host, or with user information (which RFC 9110 §4.2.4 has a recipient
 * treat as an error).
 */
final class RequestTarget
{
    private RequestTarget()
    {
    }

    /**
     * Rewrites {@code request}'s target in the absolute form to the origin form and its {@code Host} to the target's
     * authority; leaves any other target as it is. On the hot path the origin form costs one character's check.
     */
    static void toOriginForm(final HttpRequest request)
    {
        final String uri = request.uri();
        if (!uri.isEmpty() && uri.charAt(0) == '/')
        {
            return;
        }
        final int authorityAt = afterScheme(uri);
        if (authorityAt < 0)
        {
            return;
        }
        int end = authorityAt;
        while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?' && uri.charAt(end) != '#')
        {
            end++;
        }
        final String authority = uri.substring(authorityAt, end);
        if (authority.isEmpty() || !isAuthority(authority))
        {
            return;
        }
        // An empty path is "/" (§3.2.2 "http://host?x" asks for "/?x").
        request.setUri(end < uri.length() && uri.charAt(end) == '/' ? uri.substring(end) : "/" + uri.substring(end));
        if (HeaderLineRule.problem(request) == null)
        {
            // A request with two Host lines, or an HTTP/1.1 one with none, keeps them: it is answered 400 for them
            // (§3.2), whatever its target's form.
            request.headers().set(HttpHeaderNames.HOST, authority);
        }
    }

    /**
     * Whether {@code authority} holds only what a host and port may (RFC 3986 §3.2.2, §3.2.3: unreserved,
     * percent-encoded, sub-delims, ':' and the brackets of an IPv6 literal). Checked before anything changes: a control
     * character would not pass as a Host value (Netty refuses it), and the request, half rewritten, would be acted on
     * and then dropped unanswered. User information ('@') is refused too (RFC 9110 §4.2.4).
     */
    private static boolean isAuthority(final String authority)
    {
        for (int i = 0; i < authority.length(); i++)
        {
            final char c = authority.charAt(i);
            final boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
                "-._~%!$&'()*+,;=:[]".indexOf(c) >= 0;
            if (!allowed)
            {
                return false;
            }
        }
        return true;
    }

    /** Where the authority of an {@code http} or {@code https} URI begins (the scheme in any case), or -1. */
    private static int afterScheme(final String uri)
    {
        if (uri.regionMatches(true, 0, "http://", 0, 7))
        {
            return 7;
        }
        return uri.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
    }
}
