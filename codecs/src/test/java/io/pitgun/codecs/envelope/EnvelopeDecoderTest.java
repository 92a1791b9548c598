package io.pitgun.codecs.envelope;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.SessionStartDecoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.codecs.sbe.ValueType;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static io.pitgun.codecs.envelope.EnvelopeText.batch;
import static io.pitgun.codecs.envelope.EnvelopeText.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvelopeDecoderTest
{
    private final ParameterRegistry registry = ParameterRegistry.simV1();
    private final EnvelopeDecoder decoder = new EnvelopeDecoder(registry);
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1 << 16);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TelemetryFrameDecoder frame = new TelemetryFrameDecoder();

    @Test
    void shouldDecodeBatchIntoOneSbeFramePerPayloadFrame()
    {
        assertTrue(decode(EnvelopeText.simpleBatch()), () -> decoder.error().toString());
        final DecodedEnvelope result = decoder.result();
        assertEquals(EnvelopeEventType.SAMPLE_BATCH, result.eventType());
        assertEquals(2, result.messageCount());
        assertEquals(5, result.sampleCount());
        assertEquals(UUID.fromString(EnvelopeText.EVENT_ID), new UUID(result.eventIdMsb(), result.eventIdLsb()));

        wrapFrame(0);
        assertEquals(UUID.fromString(EnvelopeText.SESSION_ID),
            new UUID(frame.sessionId().mostSigBits(), frame.sessionId().leastSigBits()));
        assertEquals(UUID.fromString(EnvelopeText.PLAYER_ID),
            new UUID(frame.producerId().mostSigBits(), frame.producerId().leastSigBits()));
        assertEquals(1, frame.sequence());
        assertEquals(1_775_911_424_279_000L, frame.timestampUs());
        assertEquals(3, frame.lapNumber());
        assertEquals(1, frame.sector());
        final TelemetryFrameDecoder.SamplesDecoder samples = frame.samples();
        assertEquals(3, samples.count());
        samples.next();
        assertEquals(1, samples.parameterId());
        assertEquals(ValueType.U16, samples.valueType());
        assertEquals(SignalQuality.GOOD, samples.quality());
        assertEquals(8500, samples.value());
        samples.next();
        assertEquals(ValueType.F32, samples.valueType());
        assertEquals(72.5, Double.longBitsToDouble(samples.value()));
        samples.next();
        assertEquals(251.25, Double.longBitsToDouble(samples.value()));
    }

    @Test
    void shouldAcceptFieldsInAnyOrderAndPatchIdentifiersIntoFrames()
    {
        final String json = "{\"payload\":{\"frames\":[{\"samples\":{\"Engine_RPM\":100},\"timestamp_us\":5,\"sequence\":9}]}," +
            "\"event_type\":\"telemetry.sample_batch\",\"source_id\":7,\"session_id\":\"" + EnvelopeText.SESSION_ID +
            "\",\"player_id\":\"" + EnvelopeText.PLAYER_ID + "\",\"ts\":\"2026-04-11T12:43:44+02:00\"," +
            "\"event_id\":\"" + EnvelopeText.EVENT_ID + "\",\"schema_version\":\"pitgun-envelope-v1\"}";
        assertTrue(decode(json), () -> decoder.error().toString());
        wrapFrame(0);
        assertEquals(7, frame.sourceId());
        assertEquals(9, frame.sequence());
        assertEquals(TelemetryFrameDecoder.lapNumberNullValue(), frame.lapNumber());
        assertEquals(UUID.fromString(EnvelopeText.SESSION_ID),
            new UUID(frame.sessionId().mostSigBits(), frame.sessionId().leastSigBits()));
    }

    @Test
    void shouldDecodeEscapedNamesAndStrings()
    {
        final String json = batch(frame(1, 2, "\"\\u0045ngine_RPM\":100")).replace("\"ts\"", "\"\\u0074s\"");
        assertTrue(decode(json), () -> decoder.error().toString());
        wrapFrame(0);
        assertEquals(1, frame.samples().next().parameterId());
    }

    @Test
    void shouldDecodeSessionStartWithLabel()
    {
        final String json = "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + EnvelopeText.EVENT_ID +
            "\",\"ts\":\"2026-04-11T12:43:44Z\",\"player_id\":\"" + EnvelopeText.PLAYER_ID + "\",\"session_id\":\"" +
            EnvelopeText.SESSION_ID + "\",\"event_type\":\"session.start\",\"payload\":{\"timestamp_us\":42," +
            "\"label\":\"Monza \\u00e9 qualifying\"}}";
        assertTrue(decode(json), () -> decoder.error().toString());
        assertEquals(EnvelopeEventType.SESSION_START, decoder.result().eventType());
        header.wrap(out, decoder.result().messageOffset(0));
        assertEquals(SessionStartDecoder.TEMPLATE_ID, header.templateId());
        final SessionStartDecoder start = new SessionStartDecoder()
            .wrap(out, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(42, start.timestampUs());
        assertEquals("Monza \u00e9 qualifying", start.label());
    }

    @Test
    void shouldRejectMalformedJsonWithPointerAndOffset()
    {
        final String json = batch(frame(1, 2, "\"Engine_RPM\":100,"));
        assertFalse(decode(json));
        assertEquals(DecodeErrorCode.MALFORMED_JSON, decoder.error().code());
        assertEquals(json.indexOf(",}") + 1, decoder.error().byteOffset());
        assertEquals("/payload/frames/0/samples", decoder.error().pointer());
    }

    @Test
    void shouldReportMalformedJsonEvenAfterAnEarlierContractProblem()
    {
        final String json = "{\"schema_version\":\"wrong\",\"event_id\": tru }";
        assertFalse(decode(json));
        assertEquals(DecodeErrorCode.MALFORMED_JSON, decoder.error().code());
        assertEquals("/event_id", decoder.error().pointer());
        assertEquals(json.indexOf("tru"), decoder.error().byteOffset());
    }

    @Test
    void shouldRejectTrailingData()
    {
        assertError(EnvelopeText.simpleBatch() + " {}", DecodeErrorCode.MALFORMED_JSON, "");
    }

    @Test
    void shouldRejectMissingField()
    {
        final String json = EnvelopeText.simpleBatch().replace("\"ts\":\"2026-04-11T12:43:44.279Z\",", "");
        assertError(json, DecodeErrorCode.MISSING_FIELD, "");
        assertTrue(decoder.error().message().contains("'ts'"), decoder.error().message());
    }

    @Test
    void shouldRejectFrameMissingTimestamp()
    {
        final String json = batch("{\"sequence\":1,\"samples\":{\"Engine_RPM\":1}}");
        assertError(json, DecodeErrorCode.MISSING_FIELD, "/payload/frames/0");
        assertTrue(decoder.error().message().contains("timestamp_us"));
    }

    @Test
    void shouldRejectWrongType()
    {
        assertError(batch(frame(1, 2, "\"Engine_RPM\":\"8500\"")), DecodeErrorCode.WRONG_TYPE,
            "/payload/frames/0/samples/Engine_RPM");
        assertError(EnvelopeText.simpleBatch().replace("\"sequence\":1", "\"sequence\":1.5"), DecodeErrorCode.WRONG_TYPE,
            "/payload/frames/0/sequence");
    }

    @Test
    void shouldRejectExtraFields()
    {
        assertError(EnvelopeText.simpleBatch().replace("{\"schema_version\"", "{\"extra\":1,\"schema_version\""),
            DecodeErrorCode.UNEXPECTED_FIELD, "/extra");
        assertEquals(1, decoder.error().byteOffset());
        assertError(batch("{\"sequence\":1,\"timestamp_us\":2,\"speed\":3,\"samples\":{\"Speed\":1}}"),
            DecodeErrorCode.UNEXPECTED_FIELD, "/payload/frames/0/speed");
    }

    @Test
    void shouldRejectBadUuidAndTimestamp()
    {
        assertError(EnvelopeText.simpleBatch().replace(EnvelopeText.EVENT_ID, "b88c0d71-14c9-4a26-a290-a7f38ee17bbz"),
            DecodeErrorCode.BAD_UUID, "/event_id");
        assertError(EnvelopeText.simpleBatch().replace("2026-04-11T12:43:44.279Z", "2026-02-30T12:43:44Z"),
            DecodeErrorCode.BAD_TIMESTAMP, "/ts");
        assertError(EnvelopeText.simpleBatch().replace("2026-04-11T12:43:44.279Z", "2026-04-11 12:43:44Z"),
            DecodeErrorCode.BAD_TIMESTAMP, "/ts");
    }

    @Test
    void shouldRejectUnknownChannelSuggestingNearestNames()
    {
        assertError(batch(frame(1, 2, "\"Engine_RMP\":100")), DecodeErrorCode.UNKNOWN_CHANNEL,
            "/payload/frames/0/samples/Engine_RMP");
        assertTrue(decoder.error().message().contains("did you mean Engine_RPM"), decoder.error().message());
    }

    @Test
    void shouldRejectValuesOutOfRangeOrOfWrongType()
    {
        assertError(batch(frame(1, 2, "\"Engine_RPM\":15001")), DecodeErrorCode.VALUE_OUT_OF_RANGE,
            "/payload/frames/0/samples/Engine_RPM");
        assertTrue(decoder.error().message().contains("[0, 15000] rpm"), decoder.error().message());
        assertError(batch(frame(1, 2, "\"Throttle_Position\":-0.5")), DecodeErrorCode.VALUE_OUT_OF_RANGE,
            "/payload/frames/0/samples/Throttle_Position");
        assertError(batch(frame(1, 2, "\"Engine_RPM\":100.5")), DecodeErrorCode.VALUE_WRONG_TYPE,
            "/payload/frames/0/samples/Engine_RPM");
        assertError(batch(frame(1, 2, "\"Engine_RPM\":true")), DecodeErrorCode.VALUE_WRONG_TYPE,
            "/payload/frames/0/samples/Engine_RPM");
        assertError(batch(frame(1, 2, "\"Engine_RPM\":1,\"Engine_RPM\":2")), DecodeErrorCode.DUPLICATE_CHANNEL,
            "/payload/frames/0/samples/Engine_RPM");
    }

    @Test
    void shouldRefuseRestrictedChannelsUnlessAllowed()
    {
        final String restricted = registry.parameters().stream()
            .filter(p -> p.access() == io.pitgun.codecs.dictionary.AccessLevel.RESTRICTED)
            .findFirst().orElseThrow().name();
        final String json = batch(frame(1, 2, "\"" + restricted + "\":" +
            (long)registry.byName(restricted).min()));
        assertError(json, DecodeErrorCode.RESTRICTED_CHANNEL, "/payload/frames/0/samples/" + restricted);
        decoder.allowRestricted(true);
        assertTrue(decode(json), () -> decoder.error().toString());
    }

    @Test
    void shouldEnforceLimits()
    {
        final EnvelopeDecoder small = new EnvelopeDecoder(registry, new DecoderLimits(4096, 8, 2, 2, 64));
        final String threeFrames = batch(frame(1, 1, "\"Speed\":1") + "," + frame(2, 2, "\"Speed\":1") + "," +
            frame(3, 3, "\"Speed\":1"));
        assertFalse(decodeWith(small, threeFrames));
        assertEquals(DecodeErrorCode.LIMIT_EXCEEDED, small.error().code());
        assertEquals("/payload/frames/2", small.error().pointer());

        assertFalse(decodeWith(small, batch(frame(1, 1, "\"Speed\":1,\"Engine_RPM\":1,\"Torque_Nm\":1"))));
        assertEquals(DecodeErrorCode.LIMIT_EXCEEDED, small.error().code());

        final String deep = EnvelopeText.simpleBatch().replace("\"Speed\":251.25", "\"Speed\":[[[[[[[[[1]]]]]]]]]");
        assertFalse(decodeWith(small, deep));
        assertEquals(DecodeErrorCode.LIMIT_EXCEEDED, small.error().code());
        assertTrue(small.error().message().contains("nesting"), small.error().message());

        final String big = batch(frame(1, 1, "\"Speed\":1" + " ".repeat(5000)));
        assertFalse(decodeWith(small, big));
        assertEquals(DecodeErrorCode.LIMIT_EXCEEDED, small.error().code());

        final String longString = EnvelopeText.simpleBatch().replace("2026-04-11T12:43:44.279Z", "x".repeat(100));
        assertFalse(decodeWith(small, longString));
        assertEquals(DecodeErrorCode.LIMIT_EXCEEDED, small.error().code());
        assertEquals("/ts", small.error().pointer());
    }

    @Test
    void shouldRejectWhenOutputBufferIsTooSmall()
    {
        final byte[] json = EnvelopeText.simpleBatch().getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer tiny = new UnsafeBuffer(new byte[80]);
        assertFalse(decoder.decode(new UnsafeBuffer(json), 0, json.length, tiny, 0));
        assertEquals(DecodeErrorCode.OUTPUT_TOO_SMALL, decoder.error().code());
    }

    @Test
    void shouldBeReusableAfterAnError()
    {
        assertFalse(decode(batch(frame(1, 2, "\"Nope\":1"))));
        assertTrue(decode(EnvelopeText.simpleBatch()), () -> decoder.error().toString());
        assertEquals(null, decoder.error().code());
    }

    private void assertError(final String json, final DecodeErrorCode code, final String pointer)
    {
        assertFalse(decode(json), "expected " + code + " for " + json);
        assertEquals(code, decoder.error().code(), () -> decoder.error().toString());
        assertEquals(pointer, decoder.error().pointer(), () -> decoder.error().toString());
    }

    private boolean decode(final String json)
    {
        return decodeWith(decoder, json);
    }

    private boolean decodeWith(final EnvelopeDecoder target, final String json)
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return target.decode(new UnsafeBuffer(bytes), 0, bytes.length, out, 0);
    }

    private void wrapFrame(final int index)
    {
        header.wrap(out, decoder.result().messageOffset(index));
        assertEquals(TelemetryFrameDecoder.TEMPLATE_ID, header.templateId());
        frame.wrap(out, decoder.result().messageOffset(index) + MessageHeaderDecoder.ENCODED_LENGTH,
            header.blockLength(), header.version());
    }
}
