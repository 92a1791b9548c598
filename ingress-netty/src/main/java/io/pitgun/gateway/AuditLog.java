package io.pitgun.gateway;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on the {@code pitgun.audit} logger: when, who (peer address, the id of the token it
 * presented (null without one), {@code X-Forwarded-For},
 * {@code X-Real-IP} as sent — recorded, never trusted for limits), what (method, path, status, reason), how much
 * (bytes, envelopes, frames) and how long. {@code AUDIT_LOG} sends it to a file or standard error
 * ({@link AuditLogOutput}); otherwise route or silence it with ordinary logging configuration.
 */
final class AuditLog
{
    /** The logger's name. */
    static final String LOGGER_NAME = "pitgun.audit";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);
    /** The most characters of a client's text (path, forwarded-for headers) a line carries. */
    static final int UNTRUSTED_TEXT_CHARS = 256;

    private AuditLog()
    {
    }

    static boolean enabled()
    {
        return LOG.isInfoEnabled();
    }

    /**
     * @param suppressedBefore lines of requests that cost their client nothing left out since the last line
     *                         ({@link AuditBudget}); 0 adds nothing.
     */
    static void request(final String peer, final String tokenId, final String forwardedFor, final String realIp,
        final String method, final String path, final int status, final RejectReason reason, final long bytesIn,
        final int envelopes, final int frames, final long durationUs, final long suppressedBefore)
    {
        line(peer, tokenId, forwardedFor, realIp, method, path, status, reason, bytesIn, envelopes, frames, durationUs,
            null, suppressedBefore);
    }

    /**
     * The second line of a WebSocket (the first is its upgrade, status 101): written when the connection ends, with
     * what it carried over its life ({@code bytes_in} of its messages, the envelopes and frames accepted from it,
     * {@code duration_us} from the upgrade request) and {@code closed}, why it ended. {@code suppressedBefore} as
     * for {@link #request}.
     */
    static void webSocketClosed(final String peer, final String tokenId, final String forwardedFor, final String realIp,
        final String path, final String closed, final long bytesIn, final long envelopes, final long frames,
        final long durationUs, final long suppressedBefore)
    {
        line(peer, tokenId, forwardedFor, realIp, "GET", path, 101, null, bytesIn, envelopes, frames, durationUs,
            closed, suppressedBefore);
    }

    private static void line(final String peer, final String tokenId, final String forwardedFor, final String realIp,
        final String method, final String path, final int status, final RejectReason reason, final long bytesIn,
        final long envelopes, final long frames, final long durationUs, final String closed,
        final long suppressedBefore)
    {
        if (!LOG.isInfoEnabled())
        {
            return;
        }
        final StringBuilder out = new StringBuilder(256).append('{');
        JsonText.key(out, "ts");
        JsonText.quote(out, java.time.Instant.now().toString()).append(',');
        JsonText.key(out, "peer");
        JsonText.quote(out, peer).append(',');
        JsonText.key(out, "token_id");
        JsonText.quote(out, tokenId).append(',');
        JsonText.key(out, "x_forwarded_for");
        JsonText.quote(out, cut(forwardedFor)).append(',');
        JsonText.key(out, "x_real_ip");
        JsonText.quote(out, cut(realIp)).append(',');
        JsonText.key(out, "method");
        JsonText.quote(out, method).append(',');
        JsonText.key(out, "path");
        JsonText.quote(out, cut(path)).append(',');
        JsonText.key(out, "status").append(status).append(',');
        JsonText.key(out, "reason");
        JsonText.quote(out, reason == null ? null : reason.label()).append(',');
        JsonText.key(out, "bytes_in").append(bytesIn).append(',');
        JsonText.key(out, "envelopes").append(envelopes).append(',');
        JsonText.key(out, "frames").append(frames).append(',');
        JsonText.key(out, "duration_us").append(durationUs);
        if (closed != null)
        {
            out.append(',');
            JsonText.key(out, "closed");
            JsonText.quote(out, closed);
        }
        if (suppressedBefore > 0)
        {
            out.append(',');
            JsonText.key(out, "suppressed_before").append(suppressedBefore);
        }
        LOG.info(out.append('}').toString());
    }

    /** A client's text as a line carries it: at most {@link #UNTRUSTED_TEXT_CHARS} characters (null stays null). */
    private static String cut(final String text)
    {
        return text == null || text.length() <= UNTRUSTED_TEXT_CHARS ? text : text.substring(0, UNTRUSTED_TEXT_CHARS);
    }
}
