package io.pitgun.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.envelope.DecodeError;
import io.pitgun.codecs.envelope.DecodeErrorCode;
import io.pitgun.codecs.envelope.DecoderLimits;
import io.pitgun.codecs.envelope.EnvelopeDecoder;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.FrameFlyweight;
import io.pitgun.manifest.formula.ProgramPlan;
import io.pitgun.manifest.runtime.FrameValues;
import io.pitgun.manifest.runtime.ValueKind;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks one {@code manifest eval} input frame as the gateway does: the gateway's own {@link EnvelopeDecoder}
 * decodes its members ({@code sequence}, {@code timestamp_us}, {@code lap_number}, {@code sector}, {@code samples}),
 * as written, in a one-frame envelope. So what the gateway refuses (a member a frame does not have or one given
 * twice, a sequence or lap number outside its range, an unknown or repeated channel, a string, a boolean for a
 * number or the reverse, a fraction for an integer channel, a value outside the channel's range such as
 * {@code 1e400}) eval refuses too, in the gateway's words, and those rules are not stated a second time here. Eval's
 * own allowances: a frame without {@code sequence} (0 is checked), an empty {@code samples} (every channel absent),
 * and restricted channels (eval runs on the user's own files, no client sends them). The formulas then read the
 * samples from the decoded frame, as the engine does ({@link #fill}): an {@code f32} channel's value is the float
 * the gateway stores, not the double the text names.
 */
final class GatewaySampleCheck
{
    private static final JsonFactory JSON = new JsonFactory();
    private static final JsonStringEncoder JSON_STRINGS = JsonStringEncoder.getInstance();
    private static final String ZERO_UUID = "00000000-0000-4000-8000-000000000000";
    private static final String PREFIX = "{\"schema_version\":\"pitgun-envelope-v1\",\"event_id\":\"" + ZERO_UUID +
        "\",\"ts\":\"1970-01-01T00:00:00Z\",\"player_id\":\"" + ZERO_UUID + "\",\"session_id\":\"" + ZERO_UUID +
        "\",\"event_type\":\"telemetry.sample_batch\",\"payload\":{\"frames\":[{";
    private static final String SUFFIX = "}]}}";
    private static final String FRAME_POINTER = "/payload/frames/0/";
    private static final Pattern EMPTY_OBJECT = Pattern.compile("\\{\\s*}");

    private final ParameterRegistry registry;
    private final EnvelopeDecoder decoder;
    private final ExpandableArrayBuffer output =
        new ExpandableArrayBuffer(EnvelopeDecoder.maxOutputBytes(DecoderLimits.DEFAULTS));
    private final FrameFlyweight decoded = new FrameFlyweight();

    /** @param registry the dictionary the manifest was compiled against. */
    GatewaySampleCheck(final ParameterRegistry registry)
    {
        this.registry = registry;
        decoder = new EnvelopeDecoder(registry).allowRestricted(true);
    }

    /**
     * @param frame one input line, a JSON object whose {@code samples} member is an object.
     * @return null when the gateway would take the frame, else {@code MEMBER: reason [CODE]}.
     */
    String problem(final String frame) throws IOException
    {
        final List<Map.Entry<String, String>> members = membersText(frame);
        final StringBuilder text = new StringBuilder(PREFIX);
        if (members.stream().noneMatch(member -> member.getKey().equals("sequence")))
        {
            text.append("\"sequence\":0");
        }
        // Every member as written, in order, samples last, so that an empty samples (refused by the gateway,
        // allowed here) is the decoder's last word on a frame; a member the gateway does not know, or one given
        // twice, is the decoder's to refuse, as in an envelope.
        members.sort(Comparator.comparing(member -> member.getKey().equals("samples")));
        for (final Map.Entry<String, String> member : members)
        {
            text.append(text.charAt(text.length() - 1) == '{' ? "" : ",").append('"')
                .append(JSON_STRINGS.quoteAsString(member.getKey())).append("\":").append(member.getValue());
        }
        final byte[] envelope = text.append(SUFFIX).toString().getBytes(StandardCharsets.UTF_8);
        if (decoder.decode(new UnsafeBuffer(envelope), 0, envelope.length, output, 0))
        {
            return null;
        }
        final DecodeError error = decoder.error();
        if (error.pointer().equals(FRAME_POINTER + "samples") && error.code() == DecodeErrorCode.INVALID_VALUE &&
            members.stream().filter(member -> member.getKey().equals("samples")).count() == 1 &&
            EMPTY_OBJECT.matcher(members.get(members.size() - 1).getValue()).matches())
        {
            return null; // the only thing refused is the empty samples eval allows
        }
        final String pointer = error.pointer().startsWith(FRAME_POINTER) ?
            error.pointer().substring(FRAME_POINTER.length()).replace('/', '.') : "samples";
        return pointer + ": " + error.message() + " [" + error.code() + "]";
    }

    /**
     * Puts the samples of the frame {@link #problem} last took into {@code in}, read as the engine's manifest stage
     * reads a frame: each input channel's value converted from its stored type to the input's kind.
     *
     * @param inputs the manifest's inputs by parameter id.
     */
    void fill(final FrameValues in, final Map<Integer, ProgramPlan.Input> inputs)
    {
        decoded.wrap(output, decoder.result().messageOffset(0));
        for (int i = 0; i < decoded.sampleCount(); i++)
        {
            final ProgramPlan.Input input = inputs.get(decoded.sampleParameterId(i));
            if (input == null || decoded.sampleQuality(i) == FrameDescriptor.QUALITY_INVALID)
            {
                continue;
            }
            final int valueType = decoded.sampleValueType(i);
            final long bits = decoded.sampleValue(i);
            if (input.kind() == ValueKind.LONG)
            {
                in.putLong(input.slot(), FrameDescriptor.longValue(valueType, bits));
            }
            else if (input.kind() == ValueKind.BOOLEAN)
            {
                in.putBoolean(input.slot(), FrameDescriptor.doubleValue(valueType, bits) != 0);
            }
            else
            {
                in.putDouble(input.slot(), FrameDescriptor.doubleValue(valueType, bits));
            }
        }
    }

    /**
     * Puts the samples of the frame {@link #problem} last took, those {@code emits} keeps, into {@code samples} as the
     * frame holds them, not as the text wrote them: an integer channel's value as an integer ({@code 4.0} for
     * {@code Gear} is 4), an {@code f32} channel's as the float stored (its shortest text, as the gateway prints it).
     */
    void putStored(final ObjectNode samples, final Predicate<String> emits)
    {
        decoded.wrap(output, decoder.result().messageOffset(0));
        for (int i = 0; i < decoded.sampleCount(); i++)
        {
            final String name = registry.byId(decoded.sampleParameterId(i)).name();
            if (!emits.test(name))
            {
                continue;
            }
            final int valueType = decoded.sampleValueType(i);
            final long bits = decoded.sampleValue(i);
            if (valueType == FrameDescriptor.TYPE_BOOL)
            {
                samples.put(name, bits != 0);
            }
            else if (valueType == FrameDescriptor.TYPE_F32)
            {
                // Printed as the float's shortest text, as the gateway's JSON output prints it (FrameJsonEncoder).
                samples.put(name, (float)FrameDescriptor.doubleValue(valueType, bits));
            }
            else if (valueType == FrameDescriptor.TYPE_F64)
            {
                samples.put(name, FrameDescriptor.doubleValue(valueType, bits));
            }
            else
            {
                samples.put(name, FrameDescriptor.longValue(valueType, bits));
            }
        }
    }

    // The members as written, not as Jackson read them: 1e400 read as a double is already Infinity.
    private static List<Map.Entry<String, String>> membersText(final String frame) throws IOException
    {
        final List<Map.Entry<String, String>> members = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(frame))
        {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                parser.nextToken();
                final int start = (int)parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                members.add(Map.entry(name, frame.substring(start, (int)parser.currentLocation().getCharOffset())));
            }
        }
        return members;
    }
}
