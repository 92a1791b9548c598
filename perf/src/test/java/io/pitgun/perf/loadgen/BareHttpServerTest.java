package io.pitgun.perf.loadgen;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bare server over real HTTP: with a journal directory, every body it answered is in its queue as it came; with
 * decoding, the frames Pitgun's decoder makes of it.
 */
class BareHttpServerTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void shouldJournalEachBodyAsItCameBeforeAnswering() throws Exception
    {
        final Path journal = dir.resolve("journal");
        final List<byte[]> sent = new ArrayList<>();
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (BareHttpServer server = BareHttpServer.start(1, 1 << 20, journal))
        {
            final URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/beacon");
            // Bodies from a few bytes to past the server's first copy buffer (64 KiB), so that it grows once.
            for (final int length : new int[] {1, 300, 20_500, 100_000, 7})
            {
                final byte[] body = new byte[length];
                for (int i = 0; i < length; i++)
                {
                    body[i] = (byte)('a' + (i * 7 + length) % 26);
                }
                final HttpResponse<String> answer = client.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(202, answer.statusCode(), answer.body());
                sent.add(body);
            }
            assertEquals(sent.size(), server.journaledBodies());
        }

        try (SingleChronicleQueue queue = ChronicleQueue.singleBuilder(journal).readOnly(true).build();
             ExcerptTailer tailer = queue.createTailer())
        {
            for (final byte[] body : sent)
            {
                try (DocumentContext document = tailer.readingDocument())
                {
                    assertEquals(true, document.isPresent(), "a body answered 202 is missing from the journal");
                    final Bytes<?> bytes = document.wire().bytes();
                    final byte[] journaled = new byte[(int)bytes.readRemaining()];
                    bytes.read(journaled);
                    assertArrayEquals(body, journaled, new String(body, 0, Math.min(20, body.length),
                        StandardCharsets.US_ASCII));
                }
            }
            try (DocumentContext document = tailer.readingDocument())
            {
                assertEquals(false, document.isPresent(), "more documents than bodies");
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void shouldJournalTheDecodedFramesOfEachBodyAndRefuseOneThatDoesNotDecode() throws Exception
    {
        final Path journal = dir.resolve("decoding");
        final String envelope = "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":" +
            "\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"ts\":\"2026-04-11T12:43:44.279Z\",\"player_id\":" +
            "\"7d16dde5-88a6-4b47-8cd8-c711601cd61f\",\"session_id\":\"53702b3e-3e56-41a2-8834-9169ee5e991e\"," +
            "\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[" +
            "{\"sequence\":1,\"timestamp_us\":1712345678001000,\"samples\":{\"Speed\":200.5,\"Engine_RPM\":7500}}," +
            "{\"sequence\":2,\"timestamp_us\":1712345678002000,\"samples\":{\"Speed\":201.0}}]}}";
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (BareHttpServer server = BareHttpServer.start(1, 1 << 20, journal, true))
        {
            final URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + "/beacon");
            final HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(envelope)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode(), accepted.body());
            final HttpResponse<String> refused = client.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(
                    envelope.replace("200.5", "\"fast\""))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, refused.statusCode(), refused.body());
            assertEquals(1, server.journaledBodies());
        }

        // The reference: the same decoder run on the body by itself.
        final EnvelopeDecoder decoder = new EnvelopeDecoder(ParameterRegistry.simV1(), DecoderLimits.DEFAULTS);
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[64 * 1024]);
        final byte[] json = envelope.getBytes(StandardCharsets.UTF_8);
        assertTrue(decoder.decode(json, 0, json.length, expected, 0), () -> String.valueOf(decoder.error()));
        assertEquals(2, decoder.result().messageCount());
        try (SingleChronicleQueue queue = ChronicleQueue.singleBuilder(journal).readOnly(true).build();
             ExcerptTailer tailer = queue.createTailer())
        {
            try (DocumentContext document = tailer.readingDocument())
            {
                assertEquals(true, document.isPresent(), "the accepted body's frames are missing from the journal");
                final Bytes<?> bytes = document.wire().bytes();
                final byte[] journaled = new byte[(int)bytes.readRemaining()];
                bytes.read(journaled);
                final byte[] frames = new byte[decoder.result().encodedLength()];
                expected.getBytes(decoder.result().messageOffset(0), frames);
                assertArrayEquals(frames, journaled);
            }
            try (DocumentContext document = tailer.readingDocument())
            {
                assertEquals(false, document.isPresent(), "the refused body was journaled");
            }
        }
    }

    @Test
    void shouldRefuseAJournalWithMoreThanOneEventLoop()
    {
        assertThrows(IllegalArgumentException.class, () -> BareHttpServer.start(2, 1 << 20, dir.resolve("j")));
    }
}
