package io.pitgun.journal;

import io.pitgun.codecs.sbe.MessageHeaderEncoder;
import io.pitgun.codecs.sbe.SessionEndEncoder;
import io.pitgun.codecs.sbe.SessionStartEncoder;
import io.pitgun.codecs.sbe.SignalQuality;
import io.pitgun.codecs.sbe.TelemetryFrameEncoder;
import io.pitgun.codecs.sbe.ValueType;
import org.agrona.MutableDirectBuffer;

import java.util.UUID;

/**
 * Deterministic SBE messages for journal tests: every field of frame {@code n} is derived from {@code n}, so a
 * reader can rebuild the exact bytes it expects.
 */
final class TestFrames
{
    static final UUID SESSION_A = UUID.fromString("3f2b8c1e-0d4a-4b7e-9c55-1a2b3c4d5e6f");
    static final UUID SESSION_B = UUID.fromString("9a8b7c6d-5e4f-4321-8fed-cba987654321");
    static final UUID PLAYER = UUID.fromString("00000000-0000-4000-8000-000000000042");
    static final long BASE_TIMESTAMP_US = 1_790_000_000_000_000L;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TelemetryFrameEncoder frame = new TelemetryFrameEncoder();
    private final SessionStartEncoder start = new SessionStartEncoder();
    private final SessionEndEncoder end = new SessionEndEncoder();

    /** Frame {@code n} with {@code samples} samples (ids 1.., types as in sim.v1), in session A; returns its length. */
    int frame(final MutableDirectBuffer buffer, final int offset, final long n, final int samples)
    {
        return frame(buffer, offset, n, samples, SESSION_A, 1);
    }

    int frame(
        final MutableDirectBuffer buffer, final int offset, final long n, final int samples, final UUID session,
        final int sourceId)
    {
        frame.wrapAndApplyHeader(buffer, offset, header);
        frame.sessionId().mostSigBits(session.getMostSignificantBits()).leastSigBits(session.getLeastSignificantBits());
        frame.producerId().mostSigBits(PLAYER.getMostSignificantBits()).leastSigBits(PLAYER.getLeastSignificantBits());
        frame.sequence(n).timestampUs(BASE_TIMESTAMP_US + n * 1_000).sourceId(sourceId)
            .lapNumber((int)(1 + n / 1000)).sector((short)(n / 333 % 3 + 1));
        final TelemetryFrameEncoder.SamplesEncoder group = frame.samplesCount(samples);
        for (int i = 0; i < samples; i++)
        {
            final int id = i + 1;
            final ValueType type = typeOf(id);
            group.next().value(valueOf(type, n, id)).parameterId(id).valueType(type).quality(SignalQuality.GOOD);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + frame.encodedLength();
    }

    int sessionStart(final MutableDirectBuffer buffer, final int offset, final UUID session, final String label)
    {
        start.wrapAndApplyHeader(buffer, offset, header);
        start.sessionId().mostSigBits(session.getMostSignificantBits()).leastSigBits(session.getLeastSignificantBits());
        start.producerId().mostSigBits(PLAYER.getMostSignificantBits()).leastSigBits(PLAYER.getLeastSignificantBits());
        start.timestampUs(BASE_TIMESTAMP_US).sourceId(1).label(label);
        return MessageHeaderEncoder.ENCODED_LENGTH + start.encodedLength();
    }

    int sessionEnd(final MutableDirectBuffer buffer, final int offset, final UUID session, final long timestampUs)
    {
        end.wrapAndApplyHeader(buffer, offset, header);
        end.sessionId().mostSigBits(session.getMostSignificantBits()).leastSigBits(session.getLeastSignificantBits());
        end.producerId().mostSigBits(PLAYER.getMostSignificantBits()).leastSigBits(PLAYER.getLeastSignificantBits());
        end.timestampUs(timestampUs).sourceId(1).label("");
        return MessageHeaderEncoder.ENCODED_LENGTH + end.encodedLength();
    }

    /** sim.v1 types of ids 1..16. */
    static ValueType typeOf(final int id)
    {
        switch (id)
        {
            case 1: return ValueType.U16;
            case 5: return ValueType.F64;
            case 6: return ValueType.I8;
            case 10:
            case 11: return ValueType.BOOL;
            case 16: return ValueType.U8;
            default: return ValueType.F32;
        }
    }

    static long valueOf(final ValueType type, final long n, final int id)
    {
        switch (type)
        {
            case U16: return (n * 7 + id) % 15_000;
            case U8: return (n + id) % 6;
            case I8: return (n + id) % 9 - 1;
            case BOOL: return (n + id) & 1;
            case F64: return Double.doubleToLongBits(n * 0.001 + id);
            default: return Double.doubleToLongBits((float)((n % 1000) * 0.25 + id));
        }
    }
}
