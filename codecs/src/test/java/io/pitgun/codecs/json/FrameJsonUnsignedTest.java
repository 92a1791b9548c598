package io.pitgun.codecs.json;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link FrameJsonEncoder#putUnsigned}: a uint64 field (a frame's sequence) written as the unsigned decimal it is. */
class FrameJsonUnsignedTest
{
    @Test
    void shouldWriteEveryLongAsItsUnsignedDecimal()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[32]);
        for (final long value : new long[] {0, 7, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 5, -10, -1})
        {
            final int end = FrameJsonEncoder.putUnsigned(out, 3, value);
            assertEquals(Long.toUnsignedString(value), out.getStringWithoutLengthAscii(3, end - 3));
        }
    }
}
