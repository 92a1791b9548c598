package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecodedEnvelope;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.testsupport.EnvelopeJson;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EnvelopeDigest} over what the envelope decoder really writes, for random envelopes: the same frames with
 * each frame's samples in another order have the same digest; a changed value, a sample more or fewer, or frames in
 * another order give another one.
 */
class EnvelopeDigestPropertyTest
{
    private static final String[] CHANNELS = {"Speed", "Engine_RPM", "Torque_Nm", "Throttle_Position", "Brake_Pedal"};
    private static final UUID EVENT = UUID.fromString("0f6a3c70-3d53-4b7e-9d4c-2f3b5a1c9e01");
    private static final UUID SESSION = UUID.fromString("53702b3e-3e56-41a2-8834-9169ee5e991e");

    private final EnvelopeDecoder decoder = new EnvelopeDecoder(ParameterRegistry.simV1());

    /** A frame: its sequence and its samples as (channel, value text) pairs, in the order they are written. */
    private record Frame(long sequence, List<String[]> samples)
    {
    }

    @Property(tries = 300)
    void shouldNotDependOnTheOrderOfAFramesSamples(@ForAll final long seed, @ForAll @IntRange(min = 1, max = 40)
        final int frames)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Frame> original = randomFrames(random, frames);
        final List<Frame> shuffled = new ArrayList<>();
        for (final Frame frame : original)
        {
            final List<String[]> samples = new ArrayList<>(frame.samples());
            Collections.shuffle(samples, new java.util.Random(random.nextLong()));
            shuffled.add(new Frame(frame.sequence(), samples));
        }
        assertEquals(digest(original), digest(shuffled));
    }

    @Property(tries = 300)
    void shouldTellOtherContentApart(@ForAll final long seed, @ForAll @IntRange(min = 2, max = 40) final int frames)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Frame> original = randomFrames(random, frames);
        final long digest = digest(original);

        final List<Frame> changed = new ArrayList<>(original);
        final int at = random.nextInt(frames);
        final List<String[]> samples = new ArrayList<>(original.get(at).samples());
        final String[] sample = samples.get(0);
        samples.set(0, new String[] {sample[0], sample[1].equals("7") ? "8" : "7"});
        changed.set(at, new Frame(original.get(at).sequence(), samples));
        assertNotEquals(digest, digest(changed), "a value changed");

        final List<Frame> fewer = new ArrayList<>(original);
        final List<String[]> less = new ArrayList<>(original.get(at).samples());
        if (less.size() > 1)
        {
            less.remove(less.size() - 1);
            fewer.set(at, new Frame(original.get(at).sequence(), less));
            assertNotEquals(digest, digest(fewer), "a sample fewer");
        }

        final List<Frame> swapped = new ArrayList<>(original);
        Collections.swap(swapped, 0, frames - 1);
        assertNotEquals(digest, digest(swapped), "frames in another order");
    }

    private static List<Frame> randomFrames(final SplittableRandom random, final int frames)
    {
        final List<Frame> result = new ArrayList<>();
        for (int i = 0; i < frames; i++)
        {
            final List<String[]> samples = new ArrayList<>();
            for (final String channel : CHANNELS)
            {
                if (samples.isEmpty() || random.nextInt(3) > 0)
                {
                    // Whole numbers in every channel's range (Engine_RPM is an integer channel).
                    samples.add(new String[] {channel, Integer.toString(random.nextInt(100))});
                }
            }
            result.add(new Frame(1000 + i, samples));
        }
        return result;
    }

    private long digest(final List<Frame> frames)
    {
        final StringBuilder json = new StringBuilder(EnvelopeJson.head(EVENT, "2026-04-11T12:43:44.279Z", SESSION,
            "telemetry.sample_batch")).append("\"payload\":{\"frames\":[");
        for (int i = 0; i < frames.size(); i++)
        {
            final Frame frame = frames.get(i);
            json.append(i == 0 ? "" : ",").append("{\"sequence\":").append(frame.sequence())
                .append(",\"timestamp_us\":").append(1_000_000 + frame.sequence() * 1000).append(",\"samples\":{");
            for (int s = 0; s < frame.samples().size(); s++)
            {
                json.append(s == 0 ? "" : ",").append('"').append(frame.samples().get(s)[0]).append("\":")
                    .append(frame.samples().get(s)[1]);
            }
            json.append("}}");
        }
        final byte[] bytes = json.append("]}}").toString().getBytes(StandardCharsets.UTF_8);
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1 << 16);
        assertTrue(decoder.decode(bytes, 0, bytes.length, out, 0), () -> decoder.error() + ": " + json);
        final DecodedEnvelope result = decoder.result();
        final int n = result.messageCount();
        final int[] offsets = new int[n];
        final int[] lengths = new int[n];
        for (int m = 0; m < n; m++)
        {
            offsets[m] = result.messageOffset(m);
            lengths[m] = result.messageLength(m);
        }
        return EnvelopeDigest.of(out, offsets, lengths, 0, n);
    }
}
