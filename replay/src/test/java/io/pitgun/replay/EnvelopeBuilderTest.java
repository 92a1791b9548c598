package io.pitgun.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.codecs.envelope.EnvelopeEventType;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Envelopes built from the shipped sample pass both the public schema and Pitgun's own decoder. */
class EnvelopeBuilderTest
{
    private static final Path SAMPLE = Path.of("..", "datasets", "sim-session-monza.csv");
    private static final SchemaId ENVELOPE = SchemaId.parse("pitgun-envelope/v1");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaCatalog catalog = SchemaCatalog.standard();
    private final EnvelopeDecoder decoder = new EnvelopeDecoder(ParameterRegistry.simV1());
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(EnvelopeDecoder.maxOutputBytes(DecoderLimits.DEFAULTS));
    private final EnvelopeBuilder builder = new EnvelopeBuilder(UUID.randomUUID(), UUID.randomUUID(), -1);

    @Test
    void shouldBuildValidSampleBatchesFromTheSample() throws IOException
    {
        final List<TelemetryRow> rows = new ArrayList<>();
        try (CsvTelemetryReader reader = CsvTelemetryReader.open(SAMPLE, ParameterRegistry.simV1(), false))
        {
            // 71 of the 73 channels: the two restricted ones are left out by default.
            assertEquals(71, reader.mapping().channelCount());
            TelemetryRow row;
            while (rows.size() < 512 && (row = reader.next()) != null)
            {
                rows.add(row);
            }
        }
        for (final int batch : new int[] { 1, 10, 512 })
        {
            final List<TelemetryRow> frames = rows.subList(0, batch);
            final String json = builder.sampleBatch(UUID.randomUUID(), Instant.now(), frames, 77, 0);
            assertValid(json, EnvelopeEventType.SAMPLE_BATCH, batch, batch * 71);
            final var tree = JSON.readTree(json);
            assertEquals(77 + batch - 1, tree.at("/payload/frames/" + (batch - 1) + "/sequence").asLong());
            assertEquals(frames.get(batch - 1).timestampUs(), tree.at("/payload/frames/" + (batch - 1) + "/timestamp_us").asLong());
        }
        // A later loop pass shifts the capture times.
        final String shifted = builder.sampleBatch(UUID.randomUUID(), Instant.now(), rows.subList(0, 1), 0, 1_000_000);
        assertEquals(rows.get(0).timestampUs() + 1_000_000, JSON.readTree(shifted).at("/payload/frames/0/timestamp_us").asLong());
    }

    @Test
    void shouldBuildValidSessionMarkers() throws IOException
    {
        assertValid(builder.sessionStart(UUID.randomUUID(), Instant.now(), 1_775_908_800_000_000L,
            "replay of \"sample\"\n"), EnvelopeEventType.SESSION_START, 1, 0);
        assertValid(builder.sessionEnd(UUID.randomUUID(), Instant.now(), 1_775_909_800_000_000L),
            EnvelopeEventType.SESSION_END, 1, 0);
    }

    private void assertValid(final String json, final EnvelopeEventType type, final int messages, final int samples)
        throws IOException
    {
        assertEquals(List.of(), catalog.validate(ENVELOPE, JSON.readTree(json)), json.substring(0, 300));
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertTrue(decoder.decode(new UnsafeBuffer(bytes), 0, bytes.length, out, 0), () -> decoder.error().toString());
        assertEquals(type, decoder.result().eventType());
        assertEquals(messages, decoder.result().messageCount());
        assertEquals(samples, decoder.result().sampleCount());
    }
}
