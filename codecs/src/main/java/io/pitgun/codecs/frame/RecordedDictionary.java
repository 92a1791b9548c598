package io.pitgun.codecs.frame;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import org.agrona.DirectBuffer;

import java.util.HexFormat;

/**
 * The dictionary a journal's {@code ManifestLoaded} entry says the frames after it were written with: its name and,
 * in entries written since journals record it, the SHA-256 of its meaning ({@link ParameterRegistry#meaningSha256Hex}).
 * Whatever names or judges journaled channels by a dictionary (the journal tools, a replay, a hive) compares the one
 * it holds with this ({@link #disagreement}): by name alone, a dictionary edited under its own name (a channel made
 * public, another renumbered) was taken for the one the frames were written with, and their channels were named and
 * left out by the edited levels. Cold path: allocates.
 */
public final class RecordedDictionary
{
    private static final int DIGEST_OFFSET = ManifestLoadedDecoder.dictionaryMeaningDigestEncodingOffset();
    private static final int DIGEST_END = DIGEST_OFFSET + ManifestLoadedDecoder.dictionaryMeaningDigestLength();

    private final String name;
    private final String meaningSha256Hex;

    private RecordedDictionary(final String name, final String meaningSha256Hex)
    {
        this.name = name;
        this.meaningSha256Hex = meaningSha256Hex;
    }

    /**
     * What the {@code ManifestLoaded} at {@code offset} (header included, whole and valid by {@link FrameStructure})
     * records, or null when the message there is another one.
     */
    public static RecordedDictionary of(final DirectBuffer buffer, final int offset)
    {
        if (FrameDescriptor.templateId(buffer, offset) != ManifestLoadedDecoder.TEMPLATE_ID)
        {
            return null;
        }
        final int blockLength = FrameDescriptor.blockLength(buffer, offset);
        final ManifestLoadedDecoder loaded = new ManifestLoadedDecoder().wrap(buffer,
            offset + MessageHeaderDecoder.ENCODED_LENGTH, blockLength, FrameDescriptor.version(buffer, offset));
        String digest = null;
        if (blockLength >= DIGEST_END) // an entry written before the field has none (FrameStructure)
        {
            final byte[] bytes = new byte[ManifestLoadedDecoder.dictionaryMeaningDigestLength()];
            for (int i = 0; i < bytes.length; i++)
            {
                bytes[i] = (byte)loaded.dictionaryMeaningDigest(i);
            }
            digest = HexFormat.of().formatHex(bytes);
        }
        loaded.skipManifestName(); // var-data is read in schema order
        return new RecordedDictionary(loaded.dictionaryName(), digest);
    }

    /** The dictionary's name, as the entry records it. */
    public String name()
    {
        return name;
    }

    /** The SHA-256 of the dictionary's meaning as lower-case hex, or null in an entry written before journals kept it. */
    public String meaningSha256Hex()
    {
        return meaningSha256Hex;
    }

    /**
     * How {@code registry} (from {@code source}, such as {@code this pipeline's} or {@code --dictionary FILE}) is not
     * the dictionary this entry records, in words that name both ({@code written with dictionary 'team.v1', not
     * 'sim.v1' (--dictionary sim.yaml)}), or null when it is that dictionary: the same name and, when the entry has
     * it, the same meaning.
     */
    public String disagreement(final ParameterRegistry registry, final String source)
    {
        if (!name.equals(registry.name()))
        {
            return "written with dictionary '" + name + "', not '" + registry.name() + "' (" + source + ")";
        }
        if (meaningSha256Hex != null && !meaningSha256Hex.equals(registry.meaningSha256Hex()))
        {
            return "written with dictionary '" + name + "' meaning other channels (meaning SHA-256 " +
                meaningSha256Hex + ") than '" + name + "' (" + source + ", meaning SHA-256 " +
                registry.meaningSha256Hex() + "): edited under the same name";
        }
        return null;
    }

    @Override
    public String toString()
    {
        return name + (meaningSha256Hex == null ? "" : " (meaning SHA-256 " + meaningSha256Hex + ")");
    }
}
