package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Where the ingest path reads a request's bytes from: a {@code POST /beacon} body or WebSocket text message for the
 * JSON decoder, a binary WebSocket message for the SBE validator. One per event loop ({@link IngestPath}), reused:
 * no allocation once its arrays have grown to the largest message seen.
 * <ul>
 *   <li>JSON: the decoder scans a {@code byte[]} (its SWAR reads are array view handles), so a body in a heap buffer
 *   is read in its own array, and one in Netty's direct memory (the usual case: a socket read fills a direct buffer)
 *   is copied once into this loop's array — the one copy of the JSON bytes before decoding (under 2 % of the
 *   decode's cost: {@code IngestPathBenchmark.partCopyBody});</li>
 *   <li>binary: read in place when the message is one piece of memory (a direct buffer's address or a heap buffer's
 *   array: an unfragmented WebSocket message); a fragmented one (a composite of its fragments) is copied once into
 *   this loop's array.</li>
 * </ul>
 * What the loop reads stays valid until the next call, and only while the caller still holds {@code content}.
 */
final class MessageBytes
{
    private final UnsafeBuffer binaryView = new UnsafeBuffer(0, 0);
    private byte[] array = new byte[1 << 16];
    private byte[] jsonArray = array;
    private int offset;
    private int length;

    /** Makes {@code content}'s readable bytes available as {@link #array()} from {@link #offset()}. */
    void wrapJson(final ByteBuf content)
    {
        length = content.readableBytes();
        if (content.hasArray())
        {
            jsonArray = content.array();
            offset = content.arrayOffset() + content.readerIndex();
            return;
        }
        jsonArray = copy(content, length);
        offset = 0;
    }

    /** The array holding the last {@link #wrapJson} body. */
    byte[] array()
    {
        return jsonArray;
    }

    /** Where the last {@link #wrapJson} body starts in {@link #array()}. */
    int offset()
    {
        return offset;
    }

    /** Bytes of the last {@link #wrapJson} body. */
    int length()
    {
        return length;
    }

    /** {@code content}'s readable bytes as a buffer starting at index 0, valid until the next call. */
    DirectBuffer wrapBinary(final ByteBuf content)
    {
        final int length = content.readableBytes();
        if (content.hasMemoryAddress())
        {
            binaryView.wrap(content.memoryAddress() + content.readerIndex(), length);
        }
        else if (content.hasArray())
        {
            binaryView.wrap(content.array(), content.arrayOffset() + content.readerIndex(), length);
        }
        else
        {
            binaryView.wrap(copy(content, length), 0, length);
        }
        return binaryView;
    }

    // content's readable bytes at the start of this loop's array, grown (cold) to the largest message seen.
    private byte[] copy(final ByteBuf content, final int length)
    {
        if (array.length < length)
        {
            array = new byte[Math.max(length, array.length * 2)];
        }
        content.getBytes(content.readerIndex(), array, 0, length);
        return array;
    }
}
