package io.pitgun.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Where the ingest path reads a message: in place when it is one piece of memory, else one reused copy. */
class MessageBytesTest
{
    private final MessageBytes bytes = new MessageBytes();

    @Test
    void shouldReadAHeapBodyInItsOwnArrayWithoutCopying()
    {
        final ByteBuf content = Unpooled.wrappedBuffer(ascii("xx{\"a\":1}"));
        content.readerIndex(2);
        bytes.wrapJson(content);
        assertSame(content.array(), bytes.array());
        assertEquals("{\"a\":1}", text(bytes.array(), bytes.offset(), bytes.length()));
    }

    @Test
    void shouldCopyADirectBodyOnceIntoTheLoopsArray()
    {
        final ByteBuf content = Unpooled.directBuffer(16).writeBytes(ascii("{\"b\":2}"));
        bytes.wrapJson(content);
        final byte[] first = bytes.array();
        assertEquals("{\"b\":2}", text(first, bytes.offset(), bytes.length()));
        content.clear().writeBytes(ascii("{\"c\":33}"));
        bytes.wrapJson(content);
        assertSame(first, bytes.array());
        assertEquals("{\"c\":33}", text(bytes.array(), bytes.offset(), bytes.length()));
        content.release();
    }

    @Test
    void shouldCopyAFragmentedBinaryMessageIntoOneReusedArray()
    {
        // A binary message in two fragments (WebSocketFrameAggregator's composite): one copy, into an array the
        // loop keeps (it was a new array per message).
        final DirectBuffer first = bytes.wrapBinary(twoFragments("abc", "def"));
        assertEquals("abcdef", first.getStringWithoutLengthAscii(0, 6));
        final byte[] array = first.byteArray();
        final DirectBuffer second = bytes.wrapBinary(twoFragments("gh", "ijk"));
        assertEquals("ghijk", second.getStringWithoutLengthAscii(0, 5));
        assertEquals(5, second.capacity());
        assertSame(array, second.byteArray());
    }

    @Test
    void shouldReadAnUnfragmentedBinaryMessageInPlace()
    {
        final ByteBuf content = Unpooled.directBuffer(8).writeBytes(ascii("xyz"));
        final DirectBuffer view = bytes.wrapBinary(content);
        assertEquals(content.memoryAddress(), view.addressOffset());
        assertEquals("xyz", view.getStringWithoutLengthAscii(0, 3));
        content.release();
    }

    private static CompositeByteBuf twoFragments(final String a, final String b)
    {
        return Unpooled.compositeBuffer().addComponent(true, Unpooled.directBuffer(8).writeBytes(ascii(a)))
            .addComponent(true, Unpooled.directBuffer(8).writeBytes(ascii(b)));
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(final byte[] array, final int offset, final int length)
    {
        return new String(array, offset, length, StandardCharsets.US_ASCII);
    }
}
