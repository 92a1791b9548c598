package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;

import java.nio.charset.StandardCharsets;

/**
 * What the body of a close frame may be (RFC 6455 §5.5.1, §7.4): empty, or a close code a frame may carry then a
 * UTF-8 reason. A close frame may not carry 1005, 1006 or 1015 (they only name what happened), nor a code outside
 * the ranges defined or registered: 0 to 999, 1004, 1016 to 2999 (unassigned) and above 4999 are none of them. Netty's
 * {@link WebSocketCloseStatus#isValidStatusCode} says so of all but the codes above 4999, which it lets through.
 * A reason that is not UTF-8 is data inconsistent with its type, 1007 (§7.4.1; §8.1: the connection fails), as
 * Netty's own check says; anything else wrong is a protocol error, 1002.
 */
final class WebSocketCloseBody
{
    /** The highest close code a frame may carry: 4000 to 4999 are for private use, nothing is above. */
    static final int MAX_CODE = 4999;

    private WebSocketCloseBody()
    {
    }

    /**
     * What is wrong with {@code body}, the payload of a close frame (null or empty: none), as the close code that
     * answers it with the problem as its reason, or null if nothing is.
     */
    static WebSocketCloseStatus problem(final ByteBuf body)
    {
        if (body == null || !body.isReadable())
        {
            return null;
        }
        if (body.readableBytes() < 2)
        {
            return new WebSocketCloseStatus(WebSocketCloseStatus.PROTOCOL_ERROR.code(), "a close frame body of 1 byte");
        }
        final int code = body.getUnsignedShort(body.readerIndex());
        if (code > MAX_CODE || !WebSocketCloseStatus.isValidStatusCode(code))
        {
            return new WebSocketCloseStatus(WebSocketCloseStatus.PROTOCOL_ERROR.code(),
                "close code " + code + " may not be sent (RFC 6455, 7.4)");
        }
        if (body.readableBytes() > 2 &&
            !ByteBufUtil.isText(body, body.readerIndex() + 2, body.readableBytes() - 2, StandardCharsets.UTF_8))
        {
            return new WebSocketCloseStatus(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(),
                "a close reason that is not UTF-8");
        }
        return null;
    }
}
