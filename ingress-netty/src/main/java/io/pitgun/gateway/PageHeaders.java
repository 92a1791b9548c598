package io.pitgun.gateway;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The security headers of the browser pages the gateway serves, {@code /live} and {@code /solver/}
 * (docs/security.md), stated once for both: every file, and every 404 under them, carries
 * {@code X-Content-Type-Options: nosniff} (a browser never guesses a script or a page from a JSON or text body),
 * {@code Referrer-Policy: no-referrer} and a Content-Security-Policy: the page's own for its HTML (and, for the
 * solver, its Web Worker's script), {@link #NOTHING} for everything else, which is then inert and unframeable if
 * opened on its own.
 */
final class PageHeaders
{
    /** For a file that is not a page: it may load nothing and be framed by nothing. */
    static final String NOTHING = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** The live page: only the gateway itself; uPlot sets element styles through the CSSOM, which style-src does not govern. */
    static final String LIVE_PAGE = "default-src 'none'; script-src 'self'; style-src 'self'; " +
        "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** The solver page: its script, style, example request and Web Worker from the gateway itself. */
    static final String SOLVER_PAGE = "default-src 'none'; script-src 'self'; style-src 'self'; " +
        "connect-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /**
     * The solver's Web Worker (a worker is governed by its own script's policy): it compiles the WebAssembly module
     * ({@code 'wasm-unsafe-eval'}) and TeaVM's runtime builds its JavaScript glue with {@code new Function}
     * ({@code 'unsafe-eval'}); it still loads only from the gateway.
     */
    static final String SOLVER_WORKER = "default-src 'none'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; " +
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private PageHeaders()
    {
    }

    /** Sets the headers on a response of a page's file (or of a 404 under the page) with {@code policy}. */
    static void apply(final HttpHeaders headers, final String policy)
    {
        headers
            .set("X-Content-Type-Options", "nosniff")
            .set("Referrer-Policy", "no-referrer")
            .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, policy);
    }
}
