package io.pitgun.gateway;

import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.codecs.sbe.ValueType;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalTailer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/** Starts a real gateway on a free loopback port and reads its journal afterwards. */
final class GatewayHarness implements AutoCloseable
{
    final GatewayServer server;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Path dataDir;
    private final HeldPipelineThreads held;

    GatewayHarness(final Path dataDir, final Map<GatewaySetting, String> settings) throws InterruptedException
    {
        this(dataDir, settings, null);
    }

    /** A gateway whose pipeline stages wait for {@code held} to be released (released at the latest by close). */
    GatewayHarness(final Path dataDir, final Map<GatewaySetting, String> settings, final HeldPipelineThreads held)
        throws InterruptedException
    {
        this.dataDir = dataDir;
        this.held = held;
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.DATA_DIR, dataDir.toString());
        flags.putAll(settings);
        server = GatewayServer.start(GatewayConfig.resolve(Map.of(), flags), held);
    }

    URI uri(final String path)
    {
        final InetSocketAddress address = server.address();
        return URI.create("http://127.0.0.1:" + address.getPort() + path);
    }

    URI wsUri(final String path)
    {
        return URI.create("ws://127.0.0.1:" + server.address().getPort() + path);
    }

    HttpResponse<String> post(final String path, final String contentType, final String body) throws Exception
    {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
            .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> beacon(final String body) throws Exception
    {
        return post("/beacon", "application/json", body);
    }

    HttpResponse<String> get(final String path) throws Exception
    {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The value of one series in {@code GET /metrics}, e.g. {@code pitgun_gateway_rejections_total{reason="ring_full"}}
     * (labels exactly as the gateway writes them).
     *
     * @throws AssertionError if the series is missing.
     */
    double metric(final String series) throws Exception
    {
        final HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200)
        {
            throw new AssertionError("GET /metrics answered " + response.statusCode() + ": " + response.body());
        }
        for (final String line : response.body().split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no series " + series + " in /metrics:\n" + response.body());
    }

    /** The sequence numbers of every TelemetryFrame in the journal, in journal order (call after close). */
    static List<Long> journaledSequences(final Path dataDir)
    {
        final List<Long> sequences = new ArrayList<>();
        forEachJournaledFrame(dataDir, frame -> sequences.add(frame.sequence()));
        return sequences;
    }

    /** The dictionary ids of every sample of every TelemetryFrame in the journal (call after close). */
    static Set<Integer> journaledParameterIds(final Path dataDir)
    {
        final Set<Integer> ids = new TreeSet<>();
        forEachJournaledFrame(dataDir, frame ->
        {
            for (final TelemetryFrameDecoder.SamplesDecoder sample : frame.samples())
            {
                ids.add(sample.parameterId());
            }
        });
        return ids;
    }

    /**
     * Every journaled TelemetryFrame as {@code sequence v<version>: id=value/sampleBlockLength ...} (integers as
     * integers, F32 and F64 as doubles), so a test sees both the values and the layout stored (call after close).
     */
    static List<String> journaledFrames(final Path dataDir)
    {
        final List<String> frames = new ArrayList<>();
        forEachJournaledFrame(dataDir, frame ->
        {
            final StringBuilder out = new StringBuilder().append(frame.sequence()).append(" v")
                .append(frame.actingVersion()).append(':');
            for (final TelemetryFrameDecoder.SamplesDecoder sample : frame.samples())
            {
                out.append(' ').append(sample.parameterId()).append('=');
                final short type = sample.valueTypeRaw();
                if (type == ValueType.F32.value() || type == ValueType.F64.value())
                {
                    out.append(Double.longBitsToDouble(sample.value()));
                }
                else
                {
                    out.append(sample.value());
                }
                out.append('/').append(sample.actingBlockLength());
            }
            frames.add(out.toString());
        });
        return frames;
    }

    private static void forEachJournaledFrame(final Path dataDir, final Consumer<TelemetryFrameDecoder> visitor)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final TelemetryFrameDecoder frame = new TelemetryFrameDecoder();
        final Path journalDir = dataDir.resolve("journal");
        if (!journalDir.toFile().isDirectory())
        {
            return;
        }
        try (Journal journal = Journal.open(JournalConfig.readOnly(journalDir));
             JournalTailer tailer = journal.tailer())
        {
            while (tailer.readNext((index, buffer, offset, length, ingestTimeNs) ->
            {
                header.wrap(buffer, offset);
                if (header.templateId() == TelemetryFrameDecoder.TEMPLATE_ID)
                {
                    frame.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
                    visitor.accept(frame);
                }
            }))
            {
                // reads every entry
            }
        }
    }

    @Override
    public void close()
    {
        if (held != null)
        {
            held.release(); // a held pipeline would never drain: shutdown would wait for it for ever
        }
        server.shutdown();
    }
}
