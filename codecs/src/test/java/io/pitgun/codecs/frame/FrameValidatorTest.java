package io.pitgun.codecs.frame;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameValidator.Level;
import io.pitgun.codecs.sbe.ManifestLoadedEncoder;
import io.pitgun.codecs.sbe.PolicyLoadedEncoder;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static io.pitgun.codecs.frame.SbeFrames.Sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame rule, problem by problem. */
@Timeout(30)
class FrameValidatorTest
{
    private static final ParameterRegistry REGISTRY = ParameterRegistry.simV1();
    private static final long NOW_US = 1_700_000_000_000_000L;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final FrameValidator validator = new FrameValidator(REGISTRY);

    @Test
    void shouldAcceptValidFrameAtBothLevels()
    {
        final int length = SbeFrames.validFrame(buffer, 0);
        assertTrue(validator.validateExactly(buffer, 0, length, Level.DICTIONARY), validator::describe);
        assertNull(validator.problem());
        assertEquals(1, validator.templateId());
        final long result = FrameStructure.check(buffer, 0, length + 100);
        assertEquals(length, FrameStructure.messageLength(result));
    }

    @Test
    void shouldRefuseUndefinedQualityAsStructureAndNameTheSample()
    {
        final int length = SbeFrames.frame(buffer, 0, 1, NOW_US, 1, 0, 7,
            new Sample(1, 1, 0, 100), new Sample(2, 7, 200, bits(50f)));
        assertProblem(length, Level.STRUCTURE, FrameProblem.UNDEFINED_QUALITY);
        assertEquals(1, validator.sampleIndex());
        assertEquals(FrameDescriptor.SAMPLES + FrameDescriptor.SAMPLE_LENGTH +
            FrameDescriptor.SAMPLE_QUALITY, validator.problemOffset());
        assertTrue(validator.describe().contains("(200)"), validator.describe());
    }

    @Test
    void shouldRefuseUndefinedValueType()
    {
        final int length = SbeFrames.frame(buffer, 0, 1, NOW_US, 1, 0, 7, new Sample(1, 200, 0, 100));
        assertProblem(length, Level.STRUCTURE, FrameProblem.UNDEFINED_VALUE_TYPE);
    }

    @Test
    void shouldReadNewerVersionAtItsActingLengths()
    {
        final int length = SbeFrames.validFrame(buffer, 0);
        SbeFrames.putU16(buffer, FrameDescriptor.VERSION_OFFSET, 200);
        assertTrue(validator.validateExactly(buffer, 0, length, Level.DICTIONARY), validator::describe);
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 8, FrameDescriptor.FRAME_BLOCK_LENGTH - 1 })
    void shouldRefuseHeaderBlockLengthShorterThanThisBuilds(final int blockLength)
    {
        final int length = SbeFrames.validFrame(buffer, 0);
        SbeFrames.putU16(buffer, 0, blockLength);
        assertProblem(length, Level.STRUCTURE, FrameProblem.BLOCK_LENGTH);
        assertEquals(0, validator.problemOffset());
    }

    @Test
    void shouldRefuseLongerHeaderBlockLengthWhoseBytesAreNotThere()
    {
        final int length = SbeFrames.validFrame(buffer, 0);
        SbeFrames.putU16(buffer, 0, 80);
        assertProblem(length, Level.STRUCTURE, FrameProblem.TRUNCATED);
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 8, 11 }) // 11: one byte short of a sample's fields
    void shouldRefuseGroupBlockLengthShorterThanThisBuilds(final int blockLength)
    {
        final int length = SbeFrames.validFrame(buffer, 0);
        SbeFrames.putU16(buffer, FrameDescriptor.GROUP_HEADER, blockLength);
        assertProblem(length, Level.STRUCTURE, FrameProblem.GROUP_BLOCK_LENGTH);
    }

    @Test
    void shouldRefuseLongerGroupBlockLengthWhoseBytesAreNotThere()
    {
        final int length = SbeFrames.validFrame(buffer, 0);
        SbeFrames.putU16(buffer, FrameDescriptor.GROUP_HEADER, 80);
        assertProblem(length, Level.STRUCTURE, FrameProblem.TRUNCATED);
    }

    @Test
    void shouldRefuseSequenceAboveTwoToTheFiftyThreeMinusOne()
    {
        final int length = SbeFrames.frame(buffer, 0, -1L, NOW_US, 1, 0, 7, new Sample(1, 1, 0, 100));
        assertTrue(validator.validateExactly(buffer, 0, length, Level.STRUCTURE));
        assertProblem(length, Level.DICTIONARY, FrameProblem.SEQUENCE_OUT_OF_RANGE);
        assertTrue(validator.describe().contains("18446744073709551615"), validator.describe());
        final int atBound = SbeFrames.frame(buffer, 0, (1L << 53) - 1, NOW_US, 1, 0, 7, new Sample(1, 1, 0, 100));
        assertTrue(validator.validateExactly(buffer, 0, atBound, Level.DICTIONARY), validator::describe);
    }

    @Test
    void shouldRefuseNegativeTimestamp()
    {
        final int length = SbeFrames.frame(buffer, 0, 1, -1, 1, 0, 7, new Sample(1, 1, 0, 100));
        assertProblem(length, Level.DICTIONARY, FrameProblem.TIMESTAMP_OUT_OF_RANGE);
    }

    @Test
    void shouldRefuseDuplicateChannel()
    {
        final int length = SbeFrames.frame(buffer, 0, 1, NOW_US, 1, 0, 7,
            new Sample(1, 1, 0, 100), new Sample(1, 1, 0, 200));
        assertProblem(length, Level.DICTIONARY, FrameProblem.DUPLICATE_CHANNEL);
        assertEquals(1, validator.sampleIndex());
        // The same channel in the next frame is no duplicate.
        final int next = SbeFrames.frame(buffer, 0, 2, NOW_US, 1, 0, 7, new Sample(1, 1, 0, 100));
        assertTrue(validator.validateExactly(buffer, 0, next, Level.DICTIONARY), validator::describe);
    }

    @Test
    void shouldRefuseEmptyFrame()
    {
        final int length = SbeFrames.frame(buffer, 0, 1, NOW_US, 1, 0, 7);
        assertProblem(length, Level.DICTIONARY, FrameProblem.SAMPLE_COUNT);
    }

    @Test
    void shouldRefuseFlagsFromProducer()
    {
        final int length = SbeFrames.validFrame(buffer, 0);
        buffer.putByte(FrameDescriptor.HEADER_LENGTH + io.pitgun.codecs.sbe.TelemetryFrameDecoder.flagsEncodingOffset(),
            (byte)1);
        assertProblem(length, Level.DICTIONARY, FrameProblem.FLAGS_SET);
    }

    @Test
    void shouldRefuseWhatTheDictionaryRefuses()
    {
        check(new Sample(999, 1, 0, 1), FrameProblem.UNKNOWN_CHANNEL);
        check(new Sample(1, 7, 0, bits(100f)), FrameProblem.VALUE_WRONG_TYPE);
        check(new Sample(1, 1, 0, 15_001), FrameProblem.VALUE_OUT_OF_RANGE);
        check(new Sample(1, 1, 0, -1), FrameProblem.VALUE_OUT_OF_RANGE);
        check(new Sample(10, 9, 0, 2), FrameProblem.VALUE_NOT_REPRESENTABLE);
        check(new Sample(2, 7, 0, Double.doubleToRawLongBits(0.1)), FrameProblem.VALUE_NOT_REPRESENTABLE);
        check(new Sample(2, 7, 0, Double.doubleToRawLongBits(Double.NaN)), FrameProblem.VALUE_OUT_OF_RANGE);
        check(new Sample(5, 8, 0, Double.doubleToRawLongBits(3600.5)), FrameProblem.VALUE_OUT_OF_RANGE);
        check(new Sample(19, 2, 0, 5), FrameProblem.RESTRICTED_CHANNEL);
        validator.allowRestricted(true);
        final int length = SbeFrames.frame(buffer, 0, 1, NOW_US, 1, 0, 7, new Sample(19, 2, 0, 5));
        assertTrue(validator.validateExactly(buffer, 0, length, Level.DICTIONARY), validator::describe);
    }

    @Test
    void shouldAcceptDefinedQualitiesOtherThanGood()
    {
        final int length = SbeFrames.frame(buffer, 0, 1, NOW_US, 1, 0, 7,
            new Sample(1, 1, 1, 100), new Sample(2, 7, 3, bits(1.5f)));
        assertTrue(validator.validateExactly(buffer, 0, length, Level.DICTIONARY), validator::describe);
    }

    @Test
    void shouldRefuseInvalidUtf8LabelAndAcceptValidOne()
    {
        final byte[] bad = { 'l', 'a', 'p', (byte)0xC3, (byte)0x28 };
        int length = SbeFrames.sessionStart(buffer, 0, NOW_US, bad);
        assertProblem(length, Level.STRUCTURE, FrameProblem.INVALID_UTF8);
        for (final byte[] invalid : new byte[][] {
            { (byte)0xC0, (byte)0xAF }, { (byte)0xED, (byte)0xA0, (byte)0x80 }, { (byte)0xF4, (byte)0x90, (byte)0x80,
            (byte)0x80 }, { (byte)0xE2, (byte)0x82 }, { (byte)0x80 }, { (byte)0xFF } })
        {
            length = SbeFrames.sessionStart(buffer, 0, NOW_US, invalid);
            assertProblem(length, Level.STRUCTURE, FrameProblem.INVALID_UTF8);
        }
        length = SbeFrames.sessionStart(buffer, 0, NOW_US, "Qualifying Ünd 🏁".getBytes(StandardCharsets.UTF_8));
        assertTrue(validator.validateExactly(buffer, 0, length, Level.DICTIONARY), validator::describe);
    }

    @Test
    void shouldRefuseLabelOfMoreThan128Characters()
    {
        int length = SbeFrames.sessionStart(buffer, 0, NOW_US, "é".repeat(128).getBytes(StandardCharsets.UTF_8));
        assertTrue(validator.validateExactly(buffer, 0, length, Level.DICTIONARY), validator::describe);
        length = SbeFrames.sessionStart(buffer, 0, NOW_US, "é".repeat(129).getBytes(StandardCharsets.UTF_8));
        assertProblem(length, Level.DICTIONARY, FrameProblem.LABEL_TOO_LONG);
    }

    @Test
    void shouldRefuseManifestLoadedFromProducerButReadItInJournal()
    {
        final ManifestLoadedEncoder encoder = new ManifestLoadedEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).timestampUs(NOW_US);
        encoder.manifestName("laps");
        encoder.dictionaryName("sim.v1");
        encoder.signerKeyId("unsigned");
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        assertTrue(validator.validateExactly(buffer, 0, length, Level.STRUCTURE), validator::describe);
        assertProblem(length, Level.DICTIONARY, FrameProblem.NOT_A_PRODUCER_MESSAGE);
    }

    @Test
    void shouldRefusePolicyLoadedFromProducerButReadItInJournalWithItsTwoStrings()
    {
        final PolicyLoadedEncoder encoder = new PolicyLoadedEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).timestampUs(NOW_US);
        encoder.policyName("track-limits");
        encoder.signerKeyId("7b62de3d73627631");
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        // Exactly two var-data strings: read as ManifestLoaded's three, the message would be truncated.
        assertTrue(validator.validateExactly(buffer, 0, length, Level.STRUCTURE), validator::describe);
        assertEquals("PolicyLoaded", FrameStructure.nameOf(PolicyLoadedEncoder.TEMPLATE_ID));
        assertProblem(length, Level.DICTIONARY, FrameProblem.NOT_A_PRODUCER_MESSAGE);
        assertProblem(length - 1, Level.STRUCTURE, FrameProblem.TRUNCATED);
    }

    @Test
    void shouldRefuseTrailingBytesAndTruncation()
    {
        final int length = SbeFrames.validFrame(buffer, 0);
        assertProblem(length + 1, Level.STRUCTURE, FrameProblem.TRAILING_BYTES);
        for (int cut = 0; cut < length; cut++)
        {
            assertProblem(cut, Level.STRUCTURE, FrameProblem.TRUNCATED);
        }
    }

    private void check(final Sample sample, final FrameProblem expected)
    {
        final int length = SbeFrames.frame(buffer, 0, 1, NOW_US, 1, 0, 7, sample);
        assertProblem(length, Level.DICTIONARY, expected);
    }

    private void assertProblem(final int length, final Level level, final FrameProblem expected)
    {
        assertFalse(validator.validateExactly(buffer, 0, length, level), "accepted; expected " + expected);
        assertEquals(expected, validator.problem(), validator::describe);
        assertFalse(validator.describe().isEmpty());
    }

    private static long bits(final float value)
    {
        return Double.doubleToRawLongBits(value);
    }
}
