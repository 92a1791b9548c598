package io.pitgun.gateway;

import io.netty.handler.codec.http.HttpHeaderNames;

import java.nio.charset.StandardCharsets;

/**
 * {@code POST /beacon}: the HTTP framing of the {@link IngestPath}. The body is one envelope, a JSON array of them
 * or NDJSON; the answer is the {@link IngestReport} as JSON with its status code and {@code Retry-After}, sent when
 * the ack condition holds. Shared by all connections; runs on the connection's event loop.
 */
final class BeaconEndpoint
{
    private final GatewayServer server;
    private final GatewayConfig config;
    private final String ackModeSymbol;
    private final byte[] quotedAckMode;
    private final String ackTimeoutMessage;

    BeaconEndpoint(final GatewayServer server)
    {
        this.server = server;
        this.config = server.config();
        this.ackModeSymbol = config.ackMode().symbol();
        this.quotedAckMode = IngestReport.quotedJson(ackModeSymbol);
        this.ackTimeoutMessage = "the frames are in the ring but the journal did not confirm them within " +
            config.ackTimeoutMs() + " ms; resending the same envelopes is safe (event_id)";
    }

    /** Ingests the body of {@code exchange} from the client {@code access} admitted, and answers it. */
    void onRequest(final HttpExchange exchange, final String peer, final ConnectionAccess access)
    {
        final GatewayCounters.Endpoint endpoint = GatewayCounters.Endpoint.BEACON;
        final IngestPath path = server.threadState(exchange.ctx.channel().eventLoop()).ingest;
        final String peerAddress = access.identity();
        final RejectReason refusal = path.admitClient(peerAddress, access.rateLimit(), exchange.startNs);
        if (refusal != null)
        {
            exchange.refuseClient(endpoint, refusal, path.retryAfterS(), peerAddress, access.rateLimit());
            return;
        }
        exchange.paidInRate = server.rateLimiter().limits(access.rateLimit());
        final String contentType = exchange.request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        final int mediaType = contentTypeIndex(contentType);
        if (mediaType < 0)
        {
            server.counters().rejected(RejectReason.UNSUPPORTED_MEDIA_TYPE);
            exchange.refuse(endpoint, 415, RejectReason.UNSUPPORTED_MEDIA_TYPE, "Content-Type " +
                (contentType == null ? "(none)" : "'" + contentType + "'") + " is not accepted: send " +
                "application/json (one envelope or an array) or application/x-ndjson (one envelope per line)", 0);
            return;
        }
        // Netty takes the chunked framing off and leaves any other coding undone: the body would be read as if it
        // were not there.
        final String transferCoding = codingOtherThan("chunked", exchange.request.headers(),
            HttpHeaderNames.TRANSFER_ENCODING);
        if (transferCoding != null)
        {
            exchange.error(endpoint, 501, RejectReason.UNSUPPORTED_TRANSFER_CODING, "Transfer-Encoding '" +
                transferCoding + "' is not accepted: send the body chunked alone, or with a Content-Length",
                true);
            return;
        }
        final String contentEncoding = codingOtherThan("identity", exchange.request.headers(),
            HttpHeaderNames.CONTENT_ENCODING);
        if (contentEncoding != null)
        {
            // Before, the coding was ignored: a gzip body was answered 400 malformed_json ("found '\u001f'"), which
            // sent its client looking for a JSON mistake. RFC 9110 (15.5.16): 415 for a content coding not accepted.
            server.counters().rejected(RejectReason.UNSUPPORTED_MEDIA_TYPE);
            exchange.refuse(endpoint, 415, RejectReason.UNSUPPORTED_MEDIA_TYPE, "Content-Encoding '" +
                contentEncoding + "' is not accepted: send the body uncompressed", 0);
            return;
        }
        // application/json is one envelope or an array, so most likely one envelope; NDJSON several.
        if (!path.splitEnvelopes(exchange.request.content(), mediaType == JSON_MEDIA_TYPE,
            access.mayIngestRestricted()))
        {
            refuseUnsplittable(exchange, endpoint, path);
            return;
        }
        final IngestReport report = path.ingestEnvelopes(access.mayIngestRestricted(), access.scope(),
            exchange.tokenId);
        path.answer(report, ackTimeoutMessage, (answer, journalIndex) ->
            send(exchange, endpoint, peer, answer, journalIndex));
    }

    /**
     * The first coding other than {@code accepted} that the {@code name} lines ({@code Content-Encoding},
     * {@code Transfer-Encoding}) of {@code headers} name (any of them: a second line, or a list, counts as much as
     * the first; empty members are none; case aside), or null. Allocates only when there is such a line.
     */
    static String codingOtherThan(final String accepted, final io.netty.handler.codec.http.HttpHeaders headers,
        final CharSequence name)
    {
        if (!headers.contains(name))
        {
            return null;
        }
        for (final String line : headers.getAll(name))
        {
            for (final String member : line.split(",", -1))
            {
                final String coding = member.trim();
                if (!coding.isEmpty() && !coding.equalsIgnoreCase(accepted))
                {
                    return coding;
                }
            }
        }
        return null;
    }

    /**
     * A body whose envelopes cannot be told apart (broken at its top level, or too many): refused once, as one
     * envelope, whatever it holds, with the {@code errors[]} entry a decode error has (where it broke, the envelope's
     * index and {@code event_id} when readable); {@code byte_offset} stays at the top level as before.
     */
    private void refuseUnsplittable(final HttpExchange exchange, final GatewayCounters.Endpoint endpoint,
        final IngestPath path)
    {
        final BeaconBodySplitter splitter = path.splitter();
        final RejectReason reason = splitter.tooMany() ? RejectReason.TOO_MANY_ENVELOPES : RejectReason.MALFORMED_JSON;
        server.counters().rejected(reason);
        server.counters().envelopeRefusedWhole();
        final StringBuilder out = new StringBuilder(320).append('{');
        JsonText.key(out, "status");
        JsonText.quote(out, "rejected").append(',');
        JsonText.key(out, "reason");
        JsonText.quote(out, reason.label()).append(',');
        JsonText.key(out, "message");
        JsonText.quote(out, splitter.error()).append(',');
        JsonText.key(out, "byte_offset").append(splitter.errorOffset()).append(',');
        JsonText.key(out, "errors").append('[').append(DecodeProblemEncoder.encodeUnsplittable(splitter, reason,
            path.body(), path.bodyOffset(), path.bodyLength())).append("]}");
        exchange.send(endpoint, reason.status(), HttpExchange.JSON, out.toString().getBytes(StandardCharsets.UTF_8),
            reason, 0, 0, 0);
    }

    private void send(final HttpExchange exchange, final GatewayCounters.Endpoint endpoint, final String peer,
        final IngestReport report, final long journalIndex)
    {
        if (report.status() == 503 || report.status() == 507)
        {
            server.overloadLog().warn(report.reason(), "answered " + report.status() + " to " + peer + " (ingest queue " +
                server.counters().inFlightEnvelopes() + "/" + config.ingestQueue() + ", ring " +
                server.pipeline().config().channelCapacity() + " slots)");
        }
        if (!exchange.ctx.channel().isActive())
        {
            // The connection closed while the answer waited (the journal, in journaled mode): not written, so counted
            // by why, as a WebSocket's answer is, not by its status, which the client never saw (a resend of the same
            // event_id is a duplicate). Audited as what happened to the request. Before, counted as written.
            server.counters().rejected(server.isDraining() ? RejectReason.DRAINING :
                RejectReason.CLIENT_CLOSED_REQUEST);
            exchange.audit(report.status(), report.reason(), Math.max(0, report.envelopes()), report.framesAccepted());
            exchange.answered();
            return;
        }
        if (report.plain())
        {
            // Every accepted request: no String per answer.
            exchange.sendAccepted(endpoint, report, quotedAckMode, journalIndex, Math.max(0, report.envelopes()),
                report.framesAccepted());
            return;
        }
        exchange.send(endpoint, report.status(), HttpExchange.JSON,
            report.toJson(ackModeSymbol, journalIndex).getBytes(StandardCharsets.UTF_8), report.reason(),
            report.retryAfterS(), Math.max(0, report.envelopes()), report.framesAccepted());
    }

    /**
     * JSON, NDJSON or plain text (curl's default); parameters such as {@code charset} are ignored, case too. Read in
     * place, per request: the media type is what comes before the first {@code ;}, without the characters up to
     * the space at either end ({@link String#trim}); only ASCII letters fold, as every accepted name is ASCII.
     */
    static boolean acceptedContentType(final String contentType)
    {
        return contentTypeIndex(contentType) >= 0;
    }

    /** Which of {@link #ACCEPTED_CONTENT_TYPES} {@code contentType} is (parameters aside), or -1 for none. */
    private static int contentTypeIndex(final String contentType)
    {
        if (contentType == null)
        {
            return -1;
        }
        int end = contentType.indexOf(';');
        end = end < 0 ? contentType.length() : end;
        int start = 0;
        while (start < end && contentType.charAt(start) <= ' ')
        {
            start++;
        }
        while (end > start && contentType.charAt(end - 1) <= ' ')
        {
            end--;
        }
        for (int i = 0; i < ACCEPTED_CONTENT_TYPES.length; i++)
        {
            if (equalsAsciiIgnoreCase(contentType, start, end, ACCEPTED_CONTENT_TYPES[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /** The media types {@code POST /beacon} takes, lower case. */
    private static final String[] ACCEPTED_CONTENT_TYPES =
        {"application/json", "application/x-ndjson", "application/ndjson", "application/jsonl", "text/plain"};
    /** application/json's index in {@link #ACCEPTED_CONTENT_TYPES}. */
    private static final int JSON_MEDIA_TYPE = 0;

    /** ASCII only, unlike {@code String.regionMatches(true, ...)}, which also folds e.g. {@code İ} to {@code i}. */
    private static boolean equalsAsciiIgnoreCase(final String text, final int start, final int end,
        final String lowerCase)
    {
        if (end - start != lowerCase.length())
        {
            return false;
        }
        for (int i = start; i < end; i++)
        {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z')
            {
                c += 'a' - 'A';
            }
            if (c != lowerCase.charAt(i - start))
            {
                return false;
            }
        }
        return true;
    }
}
