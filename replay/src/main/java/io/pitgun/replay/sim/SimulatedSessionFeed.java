package io.pitgun.replay.sim;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Drives a {@link CarSimulator} straight into a gateway's {@code POST /beacon}, the way a producer does: envelopes of
 * {@code framesPerEnvelope} samples of the simulated channels (restricted ones left out), in real time (each envelope sent when its last sample's time has come) or as
 * fast as the gateway acknowledges them, until a number of laps is done or the caller says stop; then a
 * {@code session.end}, so the last lap's summary is written. Used by {@code pitgun demo --live} and the live page's
 * browser tests. A refusal other than overload (503, 429: waited out and resent, same {@code event_id}) stops it
 * with an exception naming the answer.
 */
public final class SimulatedSessionFeed
{
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ISO_INSTANT;
    private static final long RETRY_WAIT_MS = 100;
    private static final int MAX_RETRIES = 600;

    private final URI beacon;
    private final UUID sessionId;
    private final UUID playerId;
    private final CarSimulator simulator;
    private final ParameterDefinition[] channels;
    private final SimChannel[] simChannels;
    private final int framesPerEnvelope;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private long sequence;
    private long framesSent;

    /**
     * @param gateway           the gateway's base URI, e.g. {@code http://127.0.0.1:8080}.
     * @param sessionId         the session every envelope belongs to.
     * @param seed              the simulator's seed (driver variation and noise).
     * @param startTimestampUs  capture time of the first sample, µs since the epoch.
     * @param only              the channels sent (dictionary names), or null for every simulated channel.
     * @param framesPerEnvelope samples per envelope, 1..1024.
     */
    public SimulatedSessionFeed(final URI gateway, final UUID sessionId, final long seed, final long startTimestampUs,
        final Set<String> only, final int framesPerEnvelope)
    {
        if (framesPerEnvelope < 1 || framesPerEnvelope > 1024)
        {
            throw new IllegalArgumentException("framesPerEnvelope must be in 1..1024, got " + framesPerEnvelope);
        }
        this.beacon = gateway.resolve("/beacon");
        this.sessionId = sessionId;
        this.playerId = UUID.nameUUIDFromBytes(("pitgun-sim-" + seed).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        this.simulator = new CarSimulator(Circuit.monzaLike(), seed, startTimestampUs);
        this.framesPerEnvelope = framesPerEnvelope;
        final ParameterRegistry registry = ParameterRegistry.simV1();
        final List<SimChannel> picked = new ArrayList<>();
        for (final SimChannel channel : SimChannel.all())
        {
            // Restricted channels stay out, as in pitgun replay: a gateway refuses them from clients not allowed them.
            if ((only == null || only.contains(channel.channelName())) &&
                registry.byName(channel.channelName()).access() != AccessLevel.RESTRICTED)
            {
                picked.add(channel);
            }
        }
        this.simChannels = picked.toArray(new SimChannel[0]);
        this.channels = new ParameterDefinition[simChannels.length];
        for (int i = 0; i < simChannels.length; i++)
        {
            channels[i] = registry.byName(simChannels[i].channelName());
        }
    }

    /** The session id. */
    public UUID sessionId()
    {
        return sessionId;
    }

    /** Frames acknowledged so far. */
    public long framesSent()
    {
        return framesSent;
    }

    /**
     * Sends until the car has completed {@code laps} timed laps or {@code stop} says so, then ends the session.
     *
     * @param realTime pace the envelopes at the simulator's clock (100 Hz) instead of as fast as acknowledged.
     * @return the frames sent.
     * @throws IOException          if the gateway cannot be reached or refuses an envelope.
     * @throws InterruptedException if interrupted while waiting.
     */
    public long run(final int laps, final boolean realTime, final BooleanSupplier stop)
        throws IOException, InterruptedException
    {
        final long startNs = System.nanoTime();
        final long firstUs = simulator.timestampUs();
        final StringBuilder envelope = new StringBuilder(1 << 16);
        while (simulator.completedLaps() < laps && !stop.getAsBoolean())
        {
            envelope.setLength(0);
            head(envelope, "telemetry.sample_batch").append("\"payload\":{\"frames\":[");
            long lastUs = 0;
            for (int f = 0; f < framesPerEnvelope; f++)
            {
                lastUs = simulator.timestampUs();
                envelope.append(f == 0 ? "{" : ",{").append("\"sequence\":").append(sequence++)
                    .append(",\"timestamp_us\":").append(lastUs)
                    .append(",\"lap_number\":").append(simulator.lapNumber())
                    .append(",\"sector\":").append(simulator.sector())
                    .append(",\"samples\":{");
                for (int c = 0; c < channels.length; c++)
                {
                    envelope.append(c == 0 ? "\"" : ",\"").append(channels[c].name()).append("\":");
                    final double value = simulator.value(simChannels[c]);
                    if (channels[c].dataType() == DataType.BOOL)
                    {
                        envelope.append(value != 0);
                    }
                    else
                    {
                        SessionCsvWriter.appendRounded(envelope, value, simChannels[c].decimals());
                    }
                }
                envelope.append("}}");
                simulator.step();
            }
            envelope.append("]}}");
            if (realTime)
            {
                final long dueNs = startNs + TimeUnit.MICROSECONDS.toNanos(lastUs - firstUs);
                final long waitNs = dueNs - System.nanoTime();
                if (waitNs > 0)
                {
                    TimeUnit.NANOSECONDS.sleep(waitNs);
                }
            }
            send(envelope.toString());
            framesSent += framesPerEnvelope;
        }
        final StringBuilder end = new StringBuilder(512);
        head(end, "session.end").append("\"payload\":{\"timestamp_us\":").append(simulator.timestampUs()).append("}}");
        send(end.toString());
        return framesSent;
    }

    private StringBuilder head(final StringBuilder out, final String eventType)
    {
        return out.append("{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"").append(UUID.randomUUID())
            .append("\",\"ts\":\"").append(RFC_3339.format(Instant.now()))
            .append("\",\"player_id\":\"").append(playerId)
            .append("\",\"session_id\":\"").append(sessionId)
            .append("\",\"event_type\":\"").append(eventType).append("\",");
    }

    private void send(final String body) throws IOException, InterruptedException
    {
        final HttpRequest request = HttpRequest.newBuilder(beacon)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        for (int attempt = 0; ; attempt++)
        {
            final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            final int status = response.statusCode();
            if (status == 202)
            {
                return;
            }
            if ((status != 503 && status != 429) || attempt >= MAX_RETRIES)
            {
                throw new IOException("the gateway answered " + status + " to an envelope: " + response.body());
            }
            // Overloaded: the same envelope (same event_id) again, which the gateway completes or acknowledges once.
            TimeUnit.MILLISECONDS.sleep(RETRY_WAIT_MS);
        }
    }
}
