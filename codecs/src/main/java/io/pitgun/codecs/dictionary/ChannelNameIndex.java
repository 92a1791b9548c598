package io.pitgun.codecs.dictionary;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Open-addressing map from a channel name's bytes to its id, so a decoder can resolve a name it is looking at in
 * an input buffer without building a {@code String}. Names are ASCII (the dictionary schema's name pattern), so
 * bytes and chars coincide.
 * <p>
 * The hash is exposed ({@link #hashStep(int, int)}) so that a scanner can fold it while it reads the name and
 * then call {@link #idOf(int, DirectBuffer, int, int)} without touching the bytes twice. Immutable after
 * construction, so any number of threads may read it.
 */
public final class ChannelNameIndex
{
    /** Returned when a name is not in the index. */
    public static final int MISSING = -1;

    private static final int FNV_OFFSET = 0x811C9DC5;
    private static final int FNV_PRIME = 0x01000193;

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
            int slot = finish(hash(bytes)) & mask;
            while (names[slot] != null)
            {
                slot = (slot + 1) & mask;
            }
            names[slot] = bytes;
            ids[slot] = channelIds[i];
        }
    }

    /** The initial value of a name hash. */
    public static int hashSeed()
    {
        return FNV_OFFSET;
    }

    /** Folds one more byte into a name hash. */
    public static int hashStep(final int hash, final int b)
    {
        return (hash ^ (b & 0xFF)) * FNV_PRIME;
    }

    /** The id of the name whose hash (from {@link #hashSeed()} and {@link #hashStep}) and bytes are given. */
    public int idOf(final int hash, final DirectBuffer buffer, final int offset, final int length)
    {
        int slot = finish(hash) & mask;
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

    /** The id of the name held in {@code buffer[offset, offset + length)}, or {@link #MISSING}. */
    public int idOf(final DirectBuffer buffer, final int offset, final int length)
    {
        int hash = FNV_OFFSET;
        for (int i = 0; i < length; i++)
        {
            hash = hashStep(hash, buffer.getByte(offset + i));
        }
        return idOf(hash, buffer, offset, length);
    }

    /** The id of {@code name}, or {@link #MISSING}. Allocation-free. */
    public int idOf(final CharSequence name)
    {
        final int length = name.length();
        int hash = FNV_OFFSET;
        for (int i = 0; i < length; i++)
        {
            final char c = name.charAt(i);
            if (c > 0x7F)
            {
                return MISSING;
            }
            hash = hashStep(hash, c);
        }
        int slot = finish(hash) & mask;
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

    private static int hash(final byte[] bytes)
    {
        int hash = FNV_OFFSET;
        for (final byte b : bytes)
        {
            hash = hashStep(hash, b);
        }
        return hash;
    }

    // FNV's low bits mix poorly for short keys; spread the high bits down before masking.
    private static int finish(final int hash)
    {
        return hash ^ (hash >>> 16);
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
