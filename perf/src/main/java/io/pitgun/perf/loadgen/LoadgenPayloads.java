package io.pitgun.perf.loadgen;

import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The envelopes {@code pitgun loadgen} sends: {@code telemetry.sample_batch} JSON envelopes (HTTP and WebSocket
 * text) or back-to-back SBE {@code TelemetryFrame}s (WebSocket binary), each with the requested number of frames
 * and samples per frame. Samples are the first public/internal channels of the sim.v1 dictionary with a value in
 * the middle of their range, so every envelope passes validation and the gateway does its full work.
 */
public final class LoadgenPayloads
{
    private static final UUID PLAYER = UUID.fromString("00000000-0000-4000-8000-00000000a0ad");

    private final int framesPerEnvelope;
    private final List<ParameterDefinition> channels;
    private final long[] rawValues;
    /** One frame's samples as JSON object members, the same in every frame. */
    private final String samplesJson;
    private final UUID session = UUID.randomUUID();
    private final long baseTimestampUs = System.currentTimeMillis() * 1000L;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TelemetryFrameEncoder frame = new TelemetryFrameEncoder();

    LoadgenPayloads(final ParameterRegistry registry, final int framesPerEnvelope, final int samplesPerFrame)
    {
        this.framesPerEnvelope = framesPerEnvelope;
        this.channels = new ArrayList<>();
        for (final ParameterDefinition p : registry.parameters())
        {
            if (p.access() != AccessLevel.RESTRICTED && channels.size() < samplesPerFrame)
            {
                channels.add(p);
            }
        }
        if (channels.size() < samplesPerFrame)
        {
            throw new IllegalArgumentException("--samples-per-frame: the dictionary " + registry.name() + " has only " +
                channels.size() + " channels a client may send, asked for " + samplesPerFrame);
        }
        final String[] jsonValues = new String[channels.size()];
        rawValues = new long[channels.size()];
        for (int i = 0; i < channels.size(); i++)
        {
            final ParameterDefinition p = channels.get(i);
            final double mid = midpoint(p);
            if (p.dataType().isInteger())
            {
                final long v = Math.round(mid);
                jsonValues[i] = Long.toString(v);
                rawValues[i] = v;
            }
            else
            {
                final float v = (float)mid;
                jsonValues[i] = Float.toString(v);
                rawValues[i] = Double.doubleToLongBits(p.dataType() == DataType.F32 ? (double)v : mid);
            }
        }
        final StringBuilder samples = new StringBuilder(channels.size() * 28);
        for (int c = 0; c < channels.size(); c++)
        {
            samples.append(c == 0 ? "\"" : ",\"").append(channels.get(c).name()).append("\":").append(jsonValues[c]);
        }
        samplesJson = samples.toString();
    }

    /**
     * The samples of every frame the load generator sends, for clients that build the envelopes themselves (the
     * {@code wrk} script of {@code io.pitgun.perf.wrk}), so both send the same frames.
     *
     * @param registry        the dictionary.
     * @param samplesPerFrame samples in each frame.
     * @return the members of a frame's {@code samples} object, without the braces: {@code "name":value,...}.
     */
    public static String samplesJson(final ParameterRegistry registry, final int samplesPerFrame)
    {
        return new LoadgenPayloads(registry, 1, samplesPerFrame).samplesJson;
    }

    /**
     * @param registry the dictionary.
     * @return the most samples a frame can carry: the channels of {@code registry} a client may send.
     */
    public static int maxSamplesPerFrame(final ParameterRegistry registry)
    {
        int n = 0;
        for (final ParameterDefinition p : registry.parameters())
        {
            n += p.access() != AccessLevel.RESTRICTED ? 1 : 0;
        }
        return n;
    }

    /** Envelope {@code n} as pitgun-envelope-v1 JSON, with a fresh event id so the gateway never sees a retry. */
    String json(final long n)
    {
        final StringBuilder sb = new StringBuilder(256 + framesPerEnvelope * (48 + channels.size() * 28));
        sb.append("{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"").append(randomUuid())
            .append("\",\"ts\":\"").append(java.time.Instant.now())
            .append("\",\"player_id\":\"").append(PLAYER)
            .append("\",\"session_id\":\"").append(session)
            .append("\",\"source_id\":1,\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[");
        final long first = n * framesPerEnvelope;
        for (int f = 0; f < framesPerEnvelope; f++)
        {
            final long sequence = first + f;
            sb.append(f == 0 ? "{" : ",{").append("\"sequence\":").append(sequence)
                .append(",\"timestamp_us\":").append(baseTimestampUs + sequence * 1000L).append(",\"samples\":{")
                .append(samplesJson).append("}}");
        }
        return sb.append("]}}").toString();
    }

    /** Envelope {@code n} as SBE {@code TelemetryFrame} messages back to back (one binary WebSocket message). */
    ByteBuffer sbe(final long n)
    {
        final int frameBytes = FrameDescriptor.SAMPLES + channels.size() * FrameDescriptor.SAMPLE_LENGTH;
        final ByteBuffer bytes = ByteBuffer.allocate(frameBytes * framesPerEnvelope + 64);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        int offset = 0;
        final long first = n * framesPerEnvelope;
        for (int f = 0; f < framesPerEnvelope; f++)
        {
            final long sequence = first + f;
            frame.wrapAndApplyHeader(buffer, offset, header);
            frame.sessionId().mostSigBits(session.getMostSignificantBits()).leastSigBits(session.getLeastSignificantBits());
            frame.producerId().mostSigBits(PLAYER.getMostSignificantBits()).leastSigBits(PLAYER.getLeastSignificantBits());
            frame.sequence(sequence).timestampUs(baseTimestampUs + sequence * 1000L).sourceId(1)
                .lapNumber(TelemetryFrameEncoder.lapNumberNullValue()).sector(TelemetryFrameEncoder.sectorNullValue());
            final TelemetryFrameEncoder.SamplesEncoder group = frame.samplesCount(channels.size());
            for (int c = 0; c < channels.size(); c++)
            {
                final ParameterDefinition p = channels.get(c);
                group.next().value(rawValues[c]).parameterId(p.id()).valueType(p.dataType().valueType())
                    .quality(SignalQuality.GOOD);
            }
            offset += MessageHeaderEncoder.ENCODED_LENGTH + frame.encodedLength();
        }
        bytes.limit(offset);
        return bytes;
    }

    /** A version 4 UUID without {@link UUID#randomUUID()}'s SecureRandom, which costs microseconds per send. */
    private static UUID randomUuid()
    {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final long high = random.nextLong() & ~0xF000L | 0x4000L;
        final long low = random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
        return new UUID(high, low);
    }

    private static double midpoint(final ParameterDefinition p)
    {
        double lo = p.min();
        double hi = p.max();
        if (p.dataType().isInteger())
        {
            lo = Math.max(lo, p.dataType().minInteger());
            hi = Math.min(hi, p.dataType().maxInteger());
        }
        if (!Double.isFinite(lo) || !Double.isFinite(hi))
        {
            return Double.isFinite(lo) ? lo : Double.isFinite(hi) ? hi : 0;
        }
        return lo + (hi - lo) / 2;
    }
}
