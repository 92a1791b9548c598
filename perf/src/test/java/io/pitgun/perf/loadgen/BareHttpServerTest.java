package io.pitgun.perf.loadgen;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
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

/** The bare server over real HTTP: with a journal directory, every body it answered is in its queue as it came. */
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
    void shouldRefuseAJournalWithMoreThanOneEventLoop()
    {
        assertThrows(IllegalArgumentException.class, () -> BareHttpServer.start(2, 1 << 20, dir.resolve("j")));
    }
}
