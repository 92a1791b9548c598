package io.pitgun.codecs.dictionary;

import org.agrona.DirectBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Open-addressing map from a channel name's bytes to its id, so a decoder can resolve a name it is looking at in
 * an input buffer without building a {@code String}. Names are ASCII (the dictionary schema's name pattern), so
 * bytes and chars coincide.
 * <p>
 * The hash reads the first and last eight bytes of a name as two words plus its length: a handful of
 * instructions whatever the name's length, where a byte-at-a-time hash would be a serial multiply chain. Names that
 * share both ends and the length simply probe on; the full compare decides. Immutable after construction, so any
 * number of threads may read it.
 */
public final class ChannelNameIndex
{
    /** Returned when a name is not in the index. */
    public static final int MISSING = -1;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long SEED = 0x9E3779B97F4A7C15L;

    private final byte[][] names;
    private final int[] ids;
    private final int mask;

    ChannelNameIndex(final String[] channelNames, final int[] channelIds)
    {
        int capacity = 16;
        while (capacity < channelNames.length * 3)
        {
            capacity <<= 1;
        }
        names = new byte[capacity][];
        ids = new int[capacity];
        mask = capacity - 1;
        for (int i = 0; i < channelNames.length; i++)
        {
            final byte[] bytes = channelNames[i].getBytes(StandardCharsets.US_ASCII);
            int slot = hash(bytes, 0, bytes.length) & mask;
            while (names[slot] != null)
            {
                slot = (slot + 1) & mask;
            }
            names[slot] = bytes;
            ids[slot] = channelIds[i];
        }
    }

    /** The hash of {@code bytes[offset, offset + length)} this index uses. */
    public static int hash(final byte[] bytes, final int offset, final int length)
    {
        final long head;
        final long tail;
        if (length >= 8)
        {
            head = (long)LONG_LE.get(bytes, offset);
            tail = (long)LONG_LE.get(bytes, offset + length - 8);
        }
        else
        {
            long word = 0;
            for (int i = 0; i < length; i++)
            {
                word |= (bytes[offset + i] & 0xFFL) << (i << 3);
            }
            head = word;
            tail = 0;
        }
        return mix(head, tail, length);
    }

    private static int hash(final DirectBuffer buffer, final int offset, final int length)
    {
        final long head;
        final long tail;
        if (length >= 8)
        {
            head = buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN);
            tail = buffer.getLong(offset + length - 8, ByteOrder.LITTLE_ENDIAN);
        }
        else
        {
            long word = 0;
            for (int i = 0; i < length; i++)
            {
                word |= (buffer.getByte(offset + i) & 0xFFL) << (i << 3);
            }
            head = word;
            tail = 0;
        }
        return mix(head, tail, length);
    }

    private static int mix(final long head, final long tail, final int length)
    {
        long h = (head ^ Long.rotateLeft(tail, 29) ^ length) * SEED;
        h ^= h >>> 32;
        return (int)h ^ (int)(h >>> 17);
    }

    /** The id of the name in {@code bytes[offset, offset + length)} whose {@link #hash} is given, or {@link #MISSING}. */
    public int idOf(final int hash, final byte[] bytes, final int offset, final int length)
    {
        int slot = hash & mask;
        byte[] candidate;
        while ((candidate = names[slot]) != null)
        {
            if (candidate.length == length && Arrays.equals(candidate, 0, length, bytes, offset, offset + length))
            {
                return ids[slot];
            }
            slot = (slot + 1) & mask;
        }
        return MISSING;
    }

    /** The id of the name in {@code bytes[offset, offset + length)}, or {@link #MISSING}. */
    public int idOf(final byte[] bytes, final int offset, final int length)
    {
        return idOf(hash(bytes, offset, length), bytes, offset, length);
    }

    /** The id of the name held in {@code buffer[offset, offset + length)}, or {@link #MISSING}. */
    public int idOf(final DirectBuffer buffer, final int offset, final int length)
    {
        int slot = hash(buffer, offset, length) & mask;
        byte[] candidate;
        while ((candidate = names[slot]) != null)
        {
            if (candidate.length == length && equalBytes(candidate, buffer, offset))
            {
                return ids[slot];
            }
            slot = (slot + 1) & mask;
        }
        return MISSING;
    }

    /** The id of {@code name}, or {@link #MISSING}. Allocation-free. */
    public int idOf(final CharSequence name)
    {
        final int length = name.length();
        for (int i = 0; i < length; i++)
        {
            if (name.charAt(i) > 0x7F)
            {
                return MISSING;
            }
        }
        long head = 0;
        long tail = 0;
        for (int i = 0; i < Math.min(8, length); i++)
        {
            head |= (long)name.charAt(i) << (i << 3);
        }
        if (length >= 8)
        {
            for (int i = 0; i < 8; i++)
            {
                tail |= (long)name.charAt(length - 8 + i) << (i << 3);
            }
        }
        int slot = mix(head, tail, length) & mask;
        byte[] candidate;
        while ((candidate = names[slot]) != null)
        {
            if (candidate.length == length && equalChars(candidate, name))
            {
                return ids[slot];
            }
            slot = (slot + 1) & mask;
        }
        return MISSING;
    }

    private static boolean equalBytes(final byte[] candidate, final DirectBuffer buffer, final int offset)
    {
        for (int i = 0; i < candidate.length; i++)
        {
            if (candidate[i] != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean equalChars(final byte[] candidate, final CharSequence name)
    {
        for (int i = 0; i < candidate.length; i++)
        {
            if (candidate[i] != name.charAt(i))
            {
                return false;
            }
        }
        return true;
    }
}
