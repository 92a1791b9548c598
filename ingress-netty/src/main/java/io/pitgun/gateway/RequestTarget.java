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
        if (authority.isEmpty() || authority.indexOf('@') >= 0)
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
