package io.pitgun.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pitgun.codecs.dictionary.AccessLevel;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.json.FrameJsonEncoder;
import io.pitgun.manifest.AggregateSpec;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.DerivedChannel;
import io.pitgun.manifest.Stage;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Takes out of an insight what its reader may not see: the summaries of channels above the reader's access level
 * (an internal channel's lap statistics tell as much as its samples). When the manifest aggregates no such channel,
 * which is the common case, insights pass untouched and nothing is parsed; otherwise each insight is rewritten
 * without those channels (cold path: once per lap or session). Used by the gateway's subscribers and by the
 * pipeline's file output ({@code output.include_restricted}). One per thread (the parser is not shared).
 */
public final class InsightRedactor
{
    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> hidden = new TreeSet<>();

    /**
     * Hides, for readers allowed {@code readable}, the aggregated channels of {@code manifest} that reveal more.
     *
     * @param access the levels of {@code manifest}'s channels (built once, shared).
     */
    public InsightRedactor(final CompiledManifest manifest, final ChannelAccess access,
        final Set<AccessLevel> readable)
    {
        this(manifest, access.readableIn(readable));
    }

    /** Hides the aggregated channels of {@code manifest} that {@code shown} does not show (by parameter id). */
    public InsightRedactor(final CompiledManifest manifest, final FrameJsonEncoder.ChannelFilter shown)
{
        for (final Stage.Segment segment : manifest.segments())
        {
            for (final AggregateSpec aggregate : segment.aggregates())
            {
                final int id = idOf(manifest, aggregate.channel());
                if (id >= 0 && !shown.shows(id))
                {
                    hidden.add(aggregate.channel());
                }
            }
        }
    }

    /**
     * The {@code session_id} of the insight {@code buffer[offset, offset + length)}, or null (cold path: a reader
     * limited to some sessions reads it once per insight).
     */
    public java.util.UUID sessionOf(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        try
        {
            final JsonNode session = json.readTree(bytes).path("session_id");
            return session.isTextual() ? java.util.UUID.fromString(session.asText()) : null;
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            return null;
        }
    }

    private static int idOf(final CompiledManifest manifest, final String name)
    {
        for (final DerivedChannel channel : manifest.derivedChannels())
        {
            if (channel.name().equals(name))
            {
                return channel.parameterId();
            }
        }
        final ParameterDefinition parameter = manifest.registry().byName(name);
        return parameter == null ? -1 : parameter.id();
    }

    /** Whether every insight passes as it is. */
    public boolean passesAll()
    {
        return hidden.isEmpty();
    }

    /** The insight {@code buffer[offset, offset + length)} without the hidden channels, as UTF-8 JSON. */
    public byte[] redact(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        try
        {
            final JsonNode insight = json.readTree(bytes);
            final JsonNode channels = insight.path("channels");
            if (channels.isObject())
            {
                ((ObjectNode)channels).remove(hidden);
            }
            return json.writeValueAsBytes(insight);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("an insight the pipeline wrote is not JSON", ex);
        }
    }
}
