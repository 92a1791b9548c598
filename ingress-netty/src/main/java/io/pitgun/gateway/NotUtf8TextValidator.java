package io.pitgun.gateway;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

/**
 * A text message that is not UTF-8 fails its connection (RFC 6455 8.1) with close code 1007 and one reason text,
 * {@link #REASON}, on an ingest connection ({@link #closeFrame}) and a live subscriber alike. As a handler it is
 * Netty's validator in front of a subscriber's handler (it follows a message across its fragments), with Netty's
 * own reason text ("bytes are not UTF-8") replaced by {@link #REASON}: before, a subscriber was closed with Netty's
 * words and an ingest connection with the gateway's. Cold path: a subscriber only reads.
 */
final class NotUtf8TextValidator extends Utf8FrameValidator
{
    /** The reason text of the close 1007 for a text message that is not UTF-8. */
    static final String REASON = "a text message that is not UTF-8";

    NotUtf8TextValidator()
    {
        super(false); // the handler behind writes the close frame, counted, and lingers (WebSocketClose)
    }

    /** The close frame the gateway sends for a text message that is not UTF-8: 1007, {@link #REASON}. */
    static CloseWebSocketFrame closeFrame()
    {
        return new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, REASON);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) throws Exception
    {
        // Thrown by this validator's read (the only 1007 it throws); any other exception passes unchanged.
        if (cause instanceof CorruptedWebSocketFrameException &&
            ((CorruptedWebSocketFrameException)cause).closeStatus().code() ==
                WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code())
        {
            super.exceptionCaught(ctx, new CorruptedWebSocketFrameException(
                WebSocketCloseStatus.INVALID_PAYLOAD_DATA, REASON, cause));
            return;
        }
        super.exceptionCaught(ctx, cause);
    }
}
