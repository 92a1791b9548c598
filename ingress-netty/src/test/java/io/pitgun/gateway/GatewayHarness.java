package io.pitgun.gateway;

import io.pitgun.codecs.sbe.TelemetryFrameDecoder;
import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.HeldThreads;
import io.pitgun.testsupport.JournaledFrames;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
