package io.pitgun.gateway;

import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.codecs.sbe.ValueType;
import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.HeldThreads;
import io.pitgun.testsupport.JournaledFrames;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Starts a real gateway on a free loopback port and reads its journal afterwards. */
final class GatewayHarness implements AutoCloseable
{
    final GatewayServer server;
    final GatewayClient http;
    final HttpClient client;
    final Path dataDir;
    private final HeldThreads held;

    GatewayHarness(final Path dataDir, final Map<GatewaySetting, String> settings) throws InterruptedException
    {
        this(dataDir, settings, null);
    }

    /** A gateway whose pipeline stages wait for {@code held} to be released (released at the latest by close). */
    GatewayHarness(final Path dataDir, final Map<GatewaySetting, String> settings, final HeldThreads held)
        throws InterruptedException
    {
        this.dataDir = dataDir;
        this.held = held;
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.DATA_DIR, dataDir.toString());
        flags.putAll(settings);
        server = GatewayServer.start(GatewayConfig.resolve(Map.of(), flags), held);
        http = new GatewayClient(server.address().getPort());
        client = http.httpClient();
    }

    URI uri(final String path)
    {
        return http.uri(path);
    }

    URI wsUri(final String path)
    {
        return http.wsUri(path);
    }

    HttpResponse<String> post(final String path, final String contentType, final String body) throws Exception
    {
        return http.post(path, contentType, body);
    }

    HttpResponse<String> beacon(final String body) throws Exception
    {
        return http.beacon(body);
    }

    HttpResponse<String> get(final String path) throws Exception
    {
        return http.get(path);
    }

    /**
     * The value of one series in {@code GET /metrics}, e.g. {@code pitgun_gateway_rejections_total{reason="ring_full"}}
     * (labels exactly as the gateway writes them).
     *
     * @throws AssertionError if the series is missing.
     */
    double metric(final String series) throws Exception
    {
        final double value = http.metricOrNaN(series);
        if (Double.isNaN(value))
        {
            throw new AssertionError("no series " + series + " in /metrics:\n" + get("/metrics").body());
        }
        return value;
    }

    /** The sequence numbers of every TelemetryFrame in the journal, in journal order (call after close). */
    static List<Long> journaledSequences(final Path dataDir)
    {
        return JournaledFrames.sequences(dataDir.resolve("journal"));
    }

    /** The dictionary ids of every sample of every TelemetryFrame in the journal (call after close). */
    static Set<Integer> journaledParameterIds(final Path dataDir)
    {
        final Set<Integer> ids = new TreeSet<>();
        JournaledFrames.forEachFrame(dataDir.resolve("journal"), frame ->
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
        JournaledFrames.forEachFrame(dataDir.resolve("journal"), frame ->
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
