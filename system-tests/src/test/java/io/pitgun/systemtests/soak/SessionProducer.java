package io.pitgun.systemtests.soak;

import io.pitgun.systemtests.Envelopes;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * One producer thread's sessions: {@code session.start}, sample batches, {@code session.end}, over {@code POST
 * /beacon}, WebSocket JSON text or WebSocket SBE binary. A 503 with {@code Retry-After} (or a 503 nack) is the
 * documented overload: it waits as told (capped, so a soak keeps moving) and resends what is not in yet. Every
 * other answer to these well-formed envelopes is a violation. Acked frames go to the ledger.
 */
final class SessionProducer
{
    /** The transports sessions are spread over. */
    enum Transport
    {
        HTTP, WS_TEXT, WS_BINARY
    }

    /** Attempts per envelope before the producer gives up on it (a violation). */
    static final int MAX_ATTEMPTS = 20;
    /** The longest a producer honours {@code Retry-After}. */
    static final long MAX_RETRY_WAIT_MS = 1_000;
    /** Sessions per WebSocket connection before the producer opens a new one (connection churn). */
    static final int SESSIONS_PER_CONNECTION = 20;

    private final URI beacon;
    private final URI ws;
    private final HttpClient http;
    private final SoakSettings settings;
    private final SoakLedger ledger;
    private final Violations violations;
    private final long deadlineNs;
    private final SbeMessages sbe = new SbeMessages();
    private WsClient wsClient;
    private int wsSessions;

    SessionProducer(final URI base, final HttpClient http, final SoakSettings settings, final SoakLedger ledger,
        final Violations violations, final long deadlineNs)
    {
        this.beacon = base.resolve("/beacon");
        this.ws = URI.create("ws://" + base.getAuthority() + "/ws");
        this.http = http;
        this.settings = settings;
        this.ledger = ledger;
        this.violations = violations;
        this.deadlineNs = deadlineNs;
    }

    /** Runs one session over {@code transport}; true when every envelope of it was acked. */
    boolean runSession(final Transport transport) throws InterruptedException
    {
        final UUID session = UUID.randomUUID();
        ledger.sessionsStarted.increment();
        ledger.transports.put(session, transport.name());
        (transport == Transport.HTTP ? ledger.httpSessions : transport == Transport.WS_TEXT ? ledger.wsTextSessions :
            ledger.wsBinarySessions).increment();
        boolean ok = send(transport, session, Envelopes.sessionStart(UUID.randomUUID(), session), -1, 0);
        final int frames = settings.framesPerBatch();
        for (int b = 0; ok && b < settings.batchesPerSession(); b++)
        {
            ok = send(transport, session, Envelopes.batch(UUID.randomUUID(), session, (long)b * frames, frames),
                (long)b * frames, frames);
        }
        ok = ok && send(transport, session,
            Envelopes.sessionEnd(UUID.randomUUID(), session, (long)settings.batchesPerSession() * frames - 1), -1, 0);
        if (ok)
        {
            ledger.sessionsCompleted.increment();
        }
        if (transport != Transport.HTTP && ++wsSessions % SESSIONS_PER_CONNECTION == 0)
        {
            closeWebSocket();
        }
        return ok;
    }

    void closeWebSocket()
    {
        if (wsClient != null)
        {
            wsClient.close();
            wsClient = null;
        }
    }

    private boolean send(final Transport transport, final UUID session, final String envelope, final long first,
        final int frames) throws InterruptedException
    {
        ledger.envelopesSent.increment();
        final boolean acked = switch (transport)
        {
            case HTTP -> sendHttp(session, envelope, first, frames);
            case WS_TEXT -> sendWsText(session, envelope, first, frames);
            case WS_BINARY -> sendWsBinary(session, envelope, first, frames);
        };
        if (acked)
        {
            ledger.envelopesAcked.increment();
        }
        return acked;
    }

    private boolean sendHttp(final UUID session, final String envelope, final long first, final int frames)
        throws InterruptedException
    {
        final HttpRequest request = HttpRequest.newBuilder(beacon).timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(envelope)).build();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && !pastDeadline(); attempt++)
        {
            final HttpResponse<String> response;
            try
            {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            catch (final IOException ex)
            {
                // The event id makes resending safe; a connection closed without an answer is still a violation.
                violations.add("http_closed_without_answer", "POST /beacon: " + ex);
                continue;
            }
            final int status = response.statusCode();
            if (status == 202)
            {
                ledger.acked.add(session, first, frames);
                return true;
            }
            if (status == 503 && response.headers().firstValue("Retry-After").isPresent())
            {
                overloaded(Long.parseLong(response.headers().firstValue("Retry-After").get().trim()));
                continue;
            }
            unexpected("http", status, response.body());
            return false;
        }
        gaveUp("http", session);
        return false;
    }

    private boolean sendWsText(final UUID session, final String envelope, final long first, final int frames)
        throws InterruptedException
    {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && !pastDeadline(); attempt++)
        {
            final WsAnswer answer;
            try
            {
                answer = webSocket().sendText(envelope);
            }
            catch (final IOException ex)
            {
                // The event id makes resending safe: a frame already in is acknowledged as a duplicate.
                violations.add("ws_connection_failed", "text: " + ex.getMessage());
                closeWebSocket();
                continue;
            }
            if (answer.isAck())
            {
                ledger.acked.add(session, first, frames);
                return true;
            }
            if (answer.httpStatus() == 503 && answer.retryAfterS() >= 0)
            {
                overloaded(answer.retryAfterS());
                continue;
            }
            unexpected("ws_text", answer.httpStatus(), answer.text());
            return false;
        }
        gaveUp("ws_text", session);
        return false;
    }

    private boolean sendWsBinary(final UUID session, final String envelope, final long first, final int frames)
        throws InterruptedException
    {
        final SbeMessages.Encoded encoded = sbe.encode(envelope);
        int from = 0;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && !pastDeadline(); attempt++)
        {
            final WsAnswer answer;
            try
            {
                answer = webSocket().sendBinary(encoded.bytes(), encoded.messageOffsets()[from],
                    encoded.lengthFrom(from));
            }
            catch (final IOException ex)
            {
                // Binary messages carry no event id: whether this one got in is unknown, so it is not resent.
                violations.add("ws_connection_failed", "binary: " + ex.getMessage());
                closeWebSocket();
                return false;
            }
            if (answer.isAck())
            {
                if (frames > 0)
                {
                    ledger.acked.add(session, first + from, frames - from);
                }
                return true;
            }
            if (answer.httpStatus() == 503 && answer.retryAfterS() >= 0)
            {
                final int accepted = frames > 0 ? Math.max(0, answer.framesAccepted()) : 0;
                // Not an ack, but the answer names these frames as in the ring: they must reach the journal too.
                ledger.acceptedByOverload.add(session, first + from, accepted);
                from += accepted;
                if (from >= encoded.messageOffsets().length)
                {
                    // Every frame is in the ring (ack_timeout): resending would journal them twice.
                    return true;
                }
                overloaded(answer.retryAfterS());
                continue;
            }
            unexpected("ws_binary", answer.httpStatus(), answer.text());
            return false;
        }
        gaveUp("ws_binary", session);
        return false;
    }

    private WsClient webSocket() throws IOException
    {
        if (wsClient == null || wsClient.isClosed())
        {
            closeWebSocket();
            wsClient = WsClient.open(http, ws);
        }
        return wsClient;
    }

    private void overloaded(final long retryAfterS) throws InterruptedException
    {
        ledger.overloadAnswers.increment();
        ledger.retries.increment();
        // Retry-After is the client's instruction; a soak honours it up to a cap so it keeps driving load.
        Thread.sleep(Math.min(MAX_RETRY_WAIT_MS, Math.max(0, retryAfterS) * 1_000));
    }

    private void unexpected(final String transport, final int status, final String body)
    {
        final String check = status >= 500 ? "unexpected_5xx" : status >= 400 ? "unexpected_4xx" :
            "unexpected_answer";
        violations.add(check, transport + " " + status + ": " + abbreviate(body));
    }

    private void gaveUp(final String transport, final UUID session)
    {
        if (!pastDeadline())
        {
            violations.add("gave_up_after_" + MAX_ATTEMPTS + "_attempts", transport + " session " + session);
        }
    }

    private boolean pastDeadline()
    {
        return System.nanoTime() - deadlineNs > 0;
    }

    static String abbreviate(final String text)
    {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
