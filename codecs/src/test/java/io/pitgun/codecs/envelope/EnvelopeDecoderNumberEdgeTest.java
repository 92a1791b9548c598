package io.pitgun.codecs.envelope;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.pitgun.codecs.envelope.EnvelopeText.batch;
import static io.pitgun.codecs.envelope.EnvelopeText.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Numbers at the edges the black-box decoder pass found: an i64 range compared exactly (10<sup>18</sup> + 1 was
 * taken as within a max of 10<sup>18</sup>: the long was widened to a double), an integer field whose exponent is
 * beyond an int (the conversion threw, and the gateway answered 500 / closed a WebSocket), and an f32 value just
 * below a point halfway between two floats (rounded to the double on that point, then to the float above it).
 */
class EnvelopeDecoderNumberEdgeTest
{
    @TempDir
    Path dir;

    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1 << 16);

    @Test
    void shouldCompareAnI64ValueWithItsRangeExactlyOnBothPaths() throws Exception
    {
        final Path file = dir.resolve("wide.yaml");
        Files.writeString(file, "schema_version: metrics-dictionary/v1\nname: wide.v1\ntitle: Wide\n" +
            "description: test dictionary\nparameters:\n  - id: 1\n    name: Ten18\n    unit: \"1\"\n" +
            "    data_type: i64\n    range: { min: -1000000000000000000, max: 1000000000000000000 }\n" +
            "    dimension: dimensionless\n    access: public\n    description: test\n");
        final EnvelopeDecoder decoder = new EnvelopeDecoder(ParameterRegistry.load(file));

        assertTrue(decode(decoder, "1000000000000000000", "1000000000000000000"), () -> decoder.error().toString());
        assertTrue(decode(decoder, "-1000000000000000000", "-1000000000000000000"), () -> decoder.error().toString());
        for (final String above : new String[] { "1000000000000000001", "1000000000000000064",
            "1.000000000000000001e18", "-1000000000000000001" })
        {
            // The first frame's value takes the general path; the second's, the channel predicted, the fast one.
            assertFalse(decode(decoder, above, "1"), above);
            assertEquals(DecodeErrorCode.VALUE_OUT_OF_RANGE, decoder.error().code(), above);
            assertFalse(decode(decoder, "1", above), above);
            assertEquals(DecodeErrorCode.VALUE_OUT_OF_RANGE, decoder.error().code(), above);
        }
    }

    @Test
    void shouldRefuseAnIntegerFieldWhoseExponentIsBeyondAnInt()
    {
        final EnvelopeDecoder decoder = new EnvelopeDecoder(ParameterRegistry.simV1());
        for (final String sequence : new String[] { "1e2147483648", "1e-2147483648", "0.5e-2147483647",
            "100000000000000000000e2147483640" })
        {
            final String json = batch(frame(1, 2, "\"Speed\":1")).replace("\"sequence\":1", "\"sequence\":" + sequence);
            assertFalse(decode(decoder, json), sequence);
            assertTrue(decoder.error().toString().contains("sequence"), decoder.error().toString());
        }
        final String engine = batch(frame(1, 2, "\"Engine_RPM\":1e99999999999"));
        assertFalse(decode(decoder, engine));
        assertEquals(DecodeErrorCode.VALUE_OUT_OF_RANGE, decoder.error().code(), decoder.error().toString());
    }

    @Test
    void shouldStoreAnF32ValueAsTheFloatNearestItsDecimalOnBothPaths()
    {
        final EnvelopeDecoder decoder = new EnvelopeDecoder(ParameterRegistry.simV1());
        for (final String text : new String[] { "1.00000017881393432617187499", "1.000000178813934326171875",
            "1.00000017881393432617187501", "100.5", "251.25" })
        {
            // The first frame's value takes the general path; the second's, the channel predicted, the fast one.
            final String json = batch(frame(1, 2, "\"Speed\":" + text) + "," + frame(2, 3, "\"Speed\":" + text));
            assertTrue(decode(decoder, json), () -> decoder.error().toString());
            final double expected = Float.parseFloat(text);
            for (int frame = 0; frame < 2; frame++)
            {
                final int at = decoder.result().messageOffset(frame) + io.pitgun.codecs.frame.FrameDescriptor.SAMPLES +
                    io.pitgun.codecs.frame.FrameDescriptor.SAMPLE_VALUE;
                assertEquals(expected, out.getDouble(at, java.nio.ByteOrder.LITTLE_ENDIAN), text + " in frame " + frame);
            }
        }
    }

    private boolean decode(final EnvelopeDecoder decoder, final String first, final String second)
    {
        return decode(decoder, batch(frame(1, 2, "\"Ten18\":" + first) + "," + frame(2, 3, "\"Ten18\":" + second)));
    }

    private boolean decode(final EnvelopeDecoder decoder, final String json)
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return decoder.decode(new UnsafeBuffer(bytes), 0, bytes.length, out, 0);
    }
}
