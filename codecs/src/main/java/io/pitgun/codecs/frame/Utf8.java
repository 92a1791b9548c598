package io.pitgun.codecs.frame;

import org.agrona.DirectBuffer;

/** Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), read in place. */
final class Utf8
{
    private Utf8()
    {
    }

    /** Index (from {@code offset}) of the first byte of the first ill-formed sequence, or -1 if all is well. */
    static int firstInvalid(final DirectBuffer buffer, final int offset, final int length)
    {
        int i = 0;
        while (i < length)
        {
            final int b0 = buffer.getByte(offset + i) & 0xFF;
            if (b0 < 0x80)
            {
                i++;
                continue;
            }
            final int extra;
            final int min;
            final int max;
            if (b0 >= 0xC2 && b0 <= 0xDF)
            {
                extra = 1;
                min = 0x80;
                max = 0x7FF;
            }
            else if (b0 >= 0xE0 && b0 <= 0xEF)
            {
                extra = 2;
                min = 0x800;
                max = 0xFFFF;
            }
            else if (b0 >= 0xF0 && b0 <= 0xF4)
            {
                extra = 3;
                min = 0x1_0000;
                max = 0x10_FFFF;
            }
            else
            {
                return i;
            }
            if (i + extra >= length)
            {
                return i;
            }
            int codePoint = b0 & (0x3F >> extra);
            for (int k = 1; k <= extra; k++)
            {
                final int b = buffer.getByte(offset + i + k) & 0xFF;
                if ((b & 0xC0) != 0x80)
                {
                    return i;
                }
                codePoint = codePoint << 6 | b & 0x3F;
            }
            if (codePoint < min || codePoint > max || codePoint >= 0xD800 && codePoint <= 0xDFFF)
            {
                return i;
            }
            i += 1 + extra;
        }
        return -1;
    }

    /** Code points in well-formed UTF-8 bytes: every byte that does not continue a sequence starts one. */
    static int codePoints(final DirectBuffer buffer, final int offset, final int length)
    {
        int count = 0;
        for (int i = 0; i < length; i++)
        {
            if ((buffer.getByte(offset + i) & 0xC0) != 0x80)
            {
                count++;
            }
        }
        return count;
    }
}
