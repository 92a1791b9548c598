package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;

import java.nio.charset.StandardCharsets;

/**
 * A WebSocket ingest connection: each text message is one envelope, each binary message one or more SBE frames;
 * every message goes through the {@link IngestPath} a beacon takes and gets one JSON ack or nack ({@code type},
 * {@code event_id} for text, {@code message_number} = the message's number on this connection, then the same
 * fields as a beacon answer). Acks in journaled mode are sent
 * when the frames are journaled, so a nack for a later message can overtake an ack for an earlier one: match them
 * by {@code event_id} or {@code message_number}. Pings are answered with pongs.
 */
final class WebSocketIngestHandler extends SimpleChannelInboundHandler<WebSocketFrame>
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WebSocketIngestHandler.class);

    /** The message of a 503 {@code ack_timeout} nack. */
    private static final String ACK_TIMEOUT_MESSAGE = "the journal did not confirm in time";

    private final GatewayServer server;
    private final String peer;
    private final String peerAddress;
    private final boolean allowRestricted;
    private final ConnectionAccess access;
    private final String ackMode;
    private final PartialMessageMeter meter;
    private ChannelHandlerContext context;
    /** The connection's frame decoder, once a ping or pong asked it whether a message is under way. */
    private TimedWebSocketFrameDecoder decoder;
    /** The gateway is shutting down and has sent its close frame (on the connection's event loop). */
    private boolean goingAway;
    /** Messages taken whose answer is not written yet (the journal's confirmation awaited). */
    private int answersOwed;
    /** The gateway's close frame, waiting behind {@link #answersOwed} answers; null when none waits. */
    private CloseWebSocketFrame closeBehindAnswers;
    /** The gateway's close frame is written: nothing may follow it (RFC 6455 5.5.1). */
    private boolean closeFrameWritten;
    private long messages;
    /** What the connection carried, for its closing audit line; read on this event loop only. */
    private long bytesIn;
    private long envelopesAccepted; // long: a producer's socket may stay open for months
    private long framesAccepted;

    WebSocketIngestHandler(final GatewayServer server, final String peer,
        final ConnectionAccess access, final PartialMessageMeter meter)
    {
        this.access = access;
        this.meter = meter;
        this.server = server;
        this.peer = peer;
        this.peerAddress = access.identity();
        this.allowRestricted = access.mayIngestRestricted();
        this.ackMode = server.config().ackMode().symbol();
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        context = ctx;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
    {
        if (WebSocketCloseReason.closing(ctx.channel())) // goingAway() records its reason too
        {
            // The close frame is sent (or the connection closes without one): the client's close ends the
            // connection, any message is dropped unanswered, as an HTTP request behind a closing answer is (and gives
            // back its bytes of the shared budget of unfinished messages, as an answered one does). A message read
            // with the one that closed it (the same read) was ingested and answered behind the close frame before.
            if (frame instanceof CloseWebSocketFrame)
            {
                // Not while the gateway's own close frame waits behind answers owed: they would be lost (the client
                // told nothing of messages journaled); that frame closes the connection once it is sent.
                if (closeBehindAnswers == null)
                {
                    ctx.close();
                }
            }
            else if (!(frame instanceof PingWebSocketFrame) && !(frame instanceof PongWebSocketFrame))
            {
                meter.messageComplete();
                server.counters().rejected(goingAway ? RejectReason.DRAINING : RejectReason.REQUEST_AFTER_CLOSE);
            }
            return;
        }
        if (frame instanceof PingWebSocketFrame || frame instanceof PongWebSocketFrame)
        {
            controlFrameComplete(ctx);
            if (frame instanceof PingWebSocketFrame)
            {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            }
            return;
        }
        if (frame instanceof CloseWebSocketFrame)
        {
            close(ctx, WebSocketCloseReason.CLIENT, (CloseWebSocketFrame)frame.retain());
            return;
        }
        // A data message is complete (control frames may come between the fragments of one, so they do not count).
        meter.messageComplete();
        if (!access.stillAuthorized(Capability.INGEST, null))
        {
            // Revoked, or its ingest capability taken, while the connection was open: nothing more is ingested.
            final RejectReason refusal = access.lostAccess();
            server.counters().rejected(refusal);
            final WebSocketCloseReason closeReason = WebSocketCloseReason.ofLostAccess(refusal);
            close(ctx, closeReason,
                new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, closeReason.closeText()));
            return;
        }
        final long number = messages++;
        bytesIn += frame.content().readableBytes();
        final boolean text = frame instanceof TextWebSocketFrame;
        final GatewayCounters.Endpoint endpoint =
            text ? GatewayCounters.Endpoint.WS_TEXT : GatewayCounters.Endpoint.WS_BINARY;
        final IngestPath path = server.threadState(ctx.channel().eventLoop()).ingest;
        final RejectReason refusal = path.admitClient(peerAddress, access.rateLimit(), System.nanoTime());
        if (refusal != null)
        {
            // Not UTF-8 fails the connection over the rate limit too (before, a 429 on a connection left open).
            if (text && closedAsNotUtf8(ctx, frame.content()))
            {
                return;
            }
            nack(ctx, endpoint, number, null, refusal, refusal == RejectReason.DRAINING ?
                "the gateway is shutting down" : "client " + peerAddress + " is over its rate limit", path.retryAfterS());
            return;
        }
        try
        {
            if (text)
            {
                onText(ctx, endpoint, number, frame.content(), path);
            }
            else
            {
                final IngestReport report = path.ingestBinary(frame.content(), allowRestricted, access.scope(),
                    peerAddress, number, peer);
                countAccepted(report);
                answer(path, report, (answer, journalIndex) -> reply(ctx, endpoint, number, null, answer,
                    journalIndex));
            }
        }
        catch (final RuntimeException ex)
        {
            // A bug: nacked, counted and logged, as the HTTP path answers 500, never a silent close (gateway.md).
            // Before, it reached exceptionCaught, which closed the connection without a word (an integer field of
            // exponent 1e2147483648 did it, until the decoder took such numbers).
            server.counters().rejected(RejectReason.INTERNAL_ERROR);
            LOG.error("WebSocket message {} from {} failed", number, peer, ex);
            nack(ctx, endpoint, number, null, RejectReason.INTERNAL_ERROR,
                "internal error; the gateway log has the details", 0);
        }
    }

    /**
     * A ping or pong between messages is a whole frame, not part of an unfinished message: its bytes of the shared
     * budget are given back, as a message's are once it is complete. One between the fragments of a message is
     * part of it (its bytes stay held until the final fragment). Before, they stayed held until the next data
     * message: a connection that only pinged (a keep-alive, or a flood) held ever more of the budget, closed 1008
     * {@code partial_message_budget} once it held all of it, and meanwhile every other client's larger message or
     * request was refused.
     */
    private void controlFrameComplete(final ChannelHandlerContext ctx)
    {
        if (decoder == null)
        {
            decoder = ctx.pipeline().get(TimedWebSocketFrameDecoder.class);
        }
        if (decoder != null && !decoder.messageUnderWay())
        {
            meter.messageComplete();
        }
    }

    private void onText(final ChannelHandlerContext ctx, final GatewayCounters.Endpoint endpoint, final long number,
        final ByteBuf content, final IngestPath path)
    {
        if (!path.splitEnvelopes(content, true, allowRestricted))
        {
            // Answered as POST /beacon answers the same bytes: 400 (413 for too many), the same errors[] entry.
            final BeaconBodySplitter splitter = path.splitter();
            final RejectReason reason = splitter.tooMany() ? RejectReason.TOO_MANY_ENVELOPES :
                RejectReason.MALFORMED_JSON;
            server.counters().rejected(reason);
            server.counters().envelopeRefusedWhole();
            if (closedAsNotUtf8(ctx, content))
            {
                return;
            }
            // The beacon's message too: where it broke is in errors[] (byte_offset), as in the beacon's answer.
            final IngestReport report = IngestPath.refusal(reason, splitter.error(), 0);
            report.details.add(DecodeProblemEncoder.encodeUnsplittable(splitter, reason, path.body(),
                path.bodyOffset(), path.bodyLength()));
            answerRefusal(ctx, endpoint, number, EventIdSniffer.find(path.body(), path.bodyOffset(),
                path.bodyLength()), report);
            return;
        }
        if (path.splitter().count() != 1)
        {
            // Envelopes a beacon would take one by one (NDJSON, an array): a text message is one envelope.
            server.counters().rejected(RejectReason.NO_ENVELOPE);
            server.counters().envelopeRefusedWhole();
            if (closedAsNotUtf8(ctx, content))
            {
                return;
            }
            nack(ctx, endpoint, number, null, RejectReason.NO_ENVELOPE, "a text message holds exactly one " +
                "envelope; this one holds " + path.splitter().count(), 0);
            return;
        }
        final IngestReport report = path.ingestEnvelopes(allowRestricted, access.scope(), peerAddress);
        countAccepted(report);
        if (report.status() / 100 == 4 && closedAsNotUtf8(ctx, content))
        {
            return;
        }
        final String firstEventId = report.firstEventId();
        final String eventId = firstEventId != null ? firstEventId :
            EventIdSniffer.find(path.body(), path.bodyOffset(), path.bodyLength());
        answer(path, report, (answer, journalIndex) -> reply(ctx, endpoint, number, eventId, answer, journalIndex));
    }

    /**
     * Owes the client {@code report}'s answer until {@code reply} has it ({@link #answersOwed}, which a close frame
     * waits for). Not owed if {@code path} fails to take it: the message is then nacked as an internal error, and a
     * count left up would hold a later close frame back until the idle timeout.
     */
    private void answer(final IngestPath path, final IngestReport report, final IngestPath.AnswerHandler reply)
    {
        answersOwed++;
        try
        {
            path.answer(report, ACK_TIMEOUT_MESSAGE, reply);
        }
        catch (final RuntimeException ex)
        {
            answersOwed--;
            throw ex;
        }
    }

    /**
     * A text message the client's fault refused (its refusal counted) whose bytes are not UTF-8 fails the connection,
     * as RFC 6455 8.1 requires: close code 1007, counted {@code protocol_error}, no answer. Looked at on the refusal
     * path only: an envelope the decoder took was read whole, every string checked as UTF-8 and the rest ASCII, so
     * the hot path pays nothing. Before, such a message got a 400 answer (or a 422, when a contract problem came
     * first) and the connection stayed open.
     *
     * @return whether the connection is closing.
     */
    private boolean closedAsNotUtf8(final ChannelHandlerContext ctx, final ByteBuf content)
    {
        if (ByteBufUtil.isText(content, StandardCharsets.UTF_8))
        {
            return false;
        }
        close(ctx, WebSocketCloseReason.PROTOCOL_ERROR, NotUtf8TextValidator.closeFrame());
        return true;
    }

    private void countAccepted(final IngestReport report)
    {
        envelopesAccepted += report.accepted;
        framesAccepted += report.framesAccepted;
    }

    /** Bytes of the data messages received so far. */
    long bytesIn()
    {
        return bytesIn;
    }

    /** Envelopes accepted so far (a binary message counts as one when accepted). */
    long envelopesAccepted()
    {
        return envelopesAccepted;
    }

    /** Frames put into the ring so far. */
    long framesAccepted()
    {
        return framesAccepted;
    }

    private void reply(final ChannelHandlerContext ctx, final GatewayCounters.Endpoint endpoint, final long number,
        final String eventId, final IngestReport report, final long journalIndex)
    {
        answersOwed--;
        if (report.status() == 503)
        {
            server.overloadLog().warn(report.reason(), "nack 503 to WebSocket client " + peer);
        }
        // Written before the gateway's close frame, which waits for it (close), never behind it (RFC 6455 5.5.1):
        // only the shutdown's close frame does not wait (the shutdown waits for answers owed, SHUTDOWN_TIMEOUT_S at
        // most), and an answer that comes after it is one of those the shutdown logs as still awaiting their answer.
        // An answer not written is counted by why, not by its status: the client never saw it, and resends the
        // message (same event_id).
        if (!ctx.channel().isActive())
        {
            server.counters().rejected(RejectReason.CLIENT_CLOSED_REQUEST);
        }
        else if (closeFrameWritten)
        {
            server.counters().rejected(RejectReason.DRAINING);
        }
        else
        {
            server.counters().response(endpoint, report.status());
            ctx.writeAndFlush(new TextWebSocketFrame(report.toWebSocketJson(eventId, number, ackMode, journalIndex)));
        }
        if (answersOwed == 0 && closeBehindAnswers != null)
        {
            final CloseWebSocketFrame closeFrame = closeBehindAnswers;
            closeBehindAnswers = null;
            writeCloseFrame(ctx, closeFrame);
        }
    }

    /**
     * Closes the connection for {@code reason} (recorded at once: nothing more is taken from it) with {@code
     * closeFrame}, written once every answer owed for a message already taken is (RFC 6455 5.5.1: nothing after the
     * close frame). Before, the close frame went at once and the answers still coming from the journal were not
     * written, though counted as sent: the client never learnt that its message was journaled. One close frame per
     * connection: a later one is dropped (the first reason counts). Then closed as {@link WebSocketClose} closes.
     */
    private void close(final ChannelHandlerContext ctx, final WebSocketCloseReason reason,
        final CloseWebSocketFrame closeFrame)
    {
        WebSocketCloseReason.record(ctx.channel(), reason);
        if (closeFrameWritten || closeBehindAnswers != null)
        {
            closeFrame.release();
        }
        else if (answersOwed > 0)
        {
            closeBehindAnswers = closeFrame;
        }
        else
        {
            writeCloseFrame(ctx, closeFrame);
        }
    }

    private void writeCloseFrame(final ChannelHandlerContext ctx, final CloseWebSocketFrame closeFrame)
    {
        closeFrameWritten = true;
        WebSocketClose.writeCloseFrame(ctx.channel(), closeFrame, server.counters());
    }

    /** A refusal before anything was ingested (already counted): answered at once, no queue place held. */
    private void nack(final ChannelHandlerContext ctx, final GatewayCounters.Endpoint endpoint, final long number,
        final String eventId, final RejectReason reason, final String message, final int retryAfterS)
    {
        answerRefusal(ctx, endpoint, number, eventId, IngestPath.refusal(reason, message, retryAfterS));
    }

    private void answerRefusal(final ChannelHandlerContext ctx, final GatewayCounters.Endpoint endpoint,
        final long number, final String eventId, final IngestReport report)
    {
        server.counters().response(endpoint, report.status());
        ctx.writeAndFlush(new TextWebSocketFrame(report.toWebSocketJson(eventId, number, ackMode, -1)));
    }

    /** Shutdown: close code 1001 (going away), behind every answer written before it ({@link LingeringClose}). */
    void goingAway()
    {
        final ChannelHandlerContext ctx = context;
        if (ctx != null && ctx.channel().isActive())
        {
            ctx.channel().eventLoop().execute(() ->
            {
                goingAway = true;
                WebSocketCloseReason.record(ctx.channel(), WebSocketCloseReason.GOING_AWAY);
                if (closeFrameWritten)
                {
                    return; // closing already: a second close frame would follow the first
                }
                if (closeBehindAnswers != null)
                {
                    closeBehindAnswers.release(); // the shutdown has waited for the answers owed: no longer
                    closeBehindAnswers = null;
                }
                closeFrameWritten = true;
                LingeringClose.close(ctx.channel(), new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE),
                    server.counters());
            });
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof IdleStateEvent)
        {
            if (WebSocketCloseReason.closing(ctx.channel()))
            {
                // The gateway's close frame still waits behind answers a client that neither reads nor writes does
                // not take: idle this long, the connection ends here. Before, a close frame 1000 "idle" followed it
                // on every timeout (RFC 6455 5.5.1: nothing after the close frame).
                ctx.close();
                return;
            }
            close(ctx, WebSocketCloseReason.IDLE, new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE, "idle"));
            return;
        }
        if ((event == PartialMessageMeter.OVER_BUDGET || event == TimedWebSocketFrameDecoder.MESSAGE_TIMEOUT) &&
            goingAway)
        {
            return; // closing already (LingeringClose); a close frame of its own would follow the 1001 one
        }
        if (event == TimedWebSocketFrameDecoder.MESSAGE_TIMEOUT)
        {
            close(ctx, WebSocketCloseReason.MESSAGE_TIMEOUT, TimedWebSocketFrameDecoder.timedOut(server, peer));
            return;
        }
        if (event == PartialMessageMeter.OVER_BUDGET)
        {
            if (meter.refusedAlone())
            {
                // Larger than the whole budget: it can never be taken, so not "retry later" (the meter counted it
                // as body_too_large, as an HTTP body over the budget is answered 413).
                close(ctx, WebSocketCloseReason.MESSAGE_TOO_BIG, new CloseWebSocketFrame(
                    WebSocketCloseStatus.MESSAGE_TOO_BIG,
                    // A close reason has at most 123 bytes: this one has at most 115.
                    "message over the unfinished-message budget, " + meter.budgetBytes() + " bytes (" +
                        GatewaySetting.PARTIAL_MESSAGE_BUDGET_BYTES.envName() + ")"));
            }
            else
            {
                server.overloadLog().warn(RejectReason.PARTIAL_MESSAGE_BUDGET, "closed WebSocket client " + peer);
                close(ctx, WebSocketCloseReason.PARTIAL_MESSAGE_BUDGET, new CloseWebSocketFrame(
                    WebSocketCloseStatus.POLICY_VIOLATION,
                    "the gateway holds too many unfinished messages; retry later"));
            }
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof TooLongFrameException)
        {
            server.counters().rejected(RejectReason.BODY_TOO_LARGE);
            close(ctx, WebSocketCloseReason.MESSAGE_TOO_BIG, new CloseWebSocketFrame(
                WebSocketCloseStatus.MESSAGE_TOO_BIG, "message exceeds " + server.config().maxWsFrameBytes() +
                " bytes"));
            return;
        }
        if (cause instanceof CorruptedFrameException)
        {
            // A frame that breaks RFC 6455, answered with its close code.
            final CorruptedFrameException violation = (CorruptedFrameException)cause;
            close(ctx, WebSocketCloseReason.refusing(violation, server.counters()),
                TimedWebSocketFrameDecoder.closeFrame(violation));
            return;
        }
        if (cause instanceof PrematureChannelClosureException)
        {
            // The frame aggregator's word, as the connection goes inactive, that the client left in the middle of a
            // fragmented message: the client vanishing (peer_gone, the close reason's default), not a failure.
            return;
        }
        // Counted and logged by what it is; a reset or a failed network is the client vanishing (peer_gone).
        final OverloadLog log = server.overloadLog();
        if (log.directMemoryExhausted(cause, peer) || !log.connectionFailed(cause, peer))
        {
            WebSocketCloseReason.record(ctx.channel(), WebSocketCloseReason.ERROR);
        }
        ctx.close();
    }
}
