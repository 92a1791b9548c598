package io.pitgun.codecs.frame;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameValidator.Level;
import io.pitgun.codecs.sbe.ManifestLoadedEncoder;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code ManifestLoaded} records its dictionary's meaning digest in a root block grown from 40 to 72 bytes in the
 * same schema version: entries written before (40) are still whole and read without a digest, a block between the
 * two is refused, a longer one (a newer build's) is read and normalised to 72 keeping the digest.
 */
class RecordedDictionaryTest
{
    private static final ParameterRegistry SIM_V1 = ParameterRegistry.simV1();
    private static final int CURRENT = ManifestLoadedEncoder.BLOCK_LENGTH;
    private static final int BEFORE_DIGEST = ManifestLoadedEncoder.dictionaryMeaningDigestEncodingOffset();

    private final FrameValidator validator = new FrameValidator(SIM_V1);

    @Test
    void shouldStateTheTwoLayouts()
    {
        assertEquals(40, BEFORE_DIGEST);
        assertEquals(72, CURRENT);
    }

    @Test
    void shouldReadTheNameAndMeaningOfAnEntryOfThisBuild()
    {
        final byte[] entry = entry(CURRENT, SIM_V1.meaningSha256Hex());
        final UnsafeBuffer buffer = new UnsafeBuffer(entry);
        assertTrue(validator.validateExactly(buffer, 0, entry.length, Level.STRUCTURE), validator::describe);

        final RecordedDictionary recorded = RecordedDictionary.of(buffer, 0);
        assertEquals("sim.v1", recorded.name());
        assertEquals(SIM_V1.meaningSha256Hex(), recorded.meaningSha256Hex());
        assertNull(recorded.disagreement(SIM_V1, "test"));
    }

    @Test
    void shouldReadAnEntryWrittenBeforeTheDigestByNameAloneAndKeepItAsItIs()
    {
        final byte[] entry = entry(BEFORE_DIGEST, null);
        final UnsafeBuffer buffer = new UnsafeBuffer(entry);
        assertTrue(validator.validateExactly(buffer, 0, entry.length, Level.STRUCTURE), validator::describe);

        final RecordedDictionary recorded = RecordedDictionary.of(buffer, 0);
        assertEquals("sim.v1", recorded.name());
        assertNull(recorded.meaningSha256Hex());
        assertNull(recorded.disagreement(SIM_V1, "test"));

        final UnsafeBuffer copy = new UnsafeBuffer(new byte[entry.length + 64]);
        assertEquals(entry.length, FrameFlyweight.copyNormalised(buffer, 0, entry.length, copy, 0));
        assertArrayEquals(entry, Arrays.copyOf(copy.byteArray(), entry.length), "no digest invented for it");
    }

    @ParameterizedTest
    @ValueSource(ints = { 41, 56, 71 })
    void shouldRefuseABlockBetweenTheTwoLayouts(final int blockLength)
    {
        final byte[] entry = entry(blockLength, null);
        assertFalse(validator.validateExactly(new UnsafeBuffer(entry), 0, entry.length, Level.STRUCTURE));
        assertEquals(FrameProblem.BLOCK_LENGTH, validator.problem());
    }

    @Test
    void shouldReadANewerBuildsLongerEntryAndNormaliseItKeepingTheDigest()
    {
        final String digest = SIM_V1.meaningSha256Hex();
        final byte[] grown = entry(CURRENT + 24, digest);
        final UnsafeBuffer buffer = new UnsafeBuffer(grown);
        assertTrue(validator.validateExactly(buffer, 0, grown.length, Level.STRUCTURE), validator::describe);
        assertEquals(digest, RecordedDictionary.of(buffer, 0).meaningSha256Hex());

        final byte[] own = entry(CURRENT, digest);
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[grown.length]);
        assertEquals(own.length, FrameFlyweight.copyNormalised(buffer, 0, grown.length, copy, 0));
        assertArrayEquals(own, Arrays.copyOf(copy.byteArray(), own.length));
    }

    @Test
    void shouldTellAnotherNameAndAnotherMeaningApart()
    {
        final RecordedDictionary edited = RecordedDictionary.of(new UnsafeBuffer(entry(CURRENT, "ab".repeat(32))), 0);
        assertEquals("written with dictionary 'sim.v1' meaning other channels (meaning SHA-256 " + "ab".repeat(32) +
            ") than 'sim.v1' (the shipped sim.v1, meaning SHA-256 " + SIM_V1.meaningSha256Hex() + "): edited " +
            "under the same name", edited.disagreement(SIM_V1, "the shipped sim.v1"));

        final RecordedDictionary other = RecordedDictionary.of(new UnsafeBuffer(entry(BEFORE_DIGEST, null)), 0);
        final ParameterRegistry f1 = ParameterRegistry.shipped("f1-25.v1").orElseThrow();
        assertEquals("written with dictionary 'sim.v1', not 'f1-25.v1' (test)", other.disagreement(f1, "test"));
    }

    /**
     * A ManifestLoaded naming sim.v1 whose root block is {@code blockLength} bytes: this build's fields (the digest
     * where the block holds it, {@code meaningHex} or zeros), then zeros.
     */
    private static byte[] entry(final int blockLength, final String meaningHex)
    {
        final UnsafeBuffer built = new UnsafeBuffer(new byte[512]);
        final ManifestLoadedEncoder encoder = new ManifestLoadedEncoder()
            .wrapAndApplyHeader(built, 0, new MessageHeaderEncoder()).timestampUs(1_775_908_800_000_000L);
        if (meaningHex != null)
        {
            final byte[] meaning = HexFormat.of().parseHex(meaningHex);
            for (int i = 0; i < meaning.length; i++)
            {
                encoder.dictionaryMeaningDigest(i, (short)(meaning[i] & 0xFF));
            }
        }
        encoder.manifestName("laps").dictionaryName("sim.v1").signerKeyId("unsigned");
        final int header = MessageHeaderEncoder.ENCODED_LENGTH;
        final int varData = encoder.encodedLength() - CURRENT;
        final byte[] entry = new byte[header + blockLength + varData];
        built.getBytes(0, entry, 0, header + Math.min(blockLength, CURRENT));
        built.getBytes(header + CURRENT, entry, header + blockLength, varData);
        new UnsafeBuffer(entry).putShort(FrameDescriptor.BLOCK_LENGTH_OFFSET, (short)blockLength,
            FrameDescriptor.ORDER);
        return entry;
    }
}
