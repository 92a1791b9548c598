package io.pitgun.codecs.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pitgun.codecs.dictionary.DataType;
import io.pitgun.codecs.dictionary.ParameterDefinition;
import io.pitgun.codecs.dictionary.ParameterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A corpus of envelopes for checking the decoder against the schema: the shipped examples, random valid envelopes
 * (channels and values that pass the dictionary, fields in random order) and systematic mutations of them, at
 * the tree level (missing, extra, retyped and boundary values) and at the text level (escapes, whitespace,
 * number spellings, truncation).
 */
final class EnvelopeCorpus
{
    static final Path EXAMPLES = Path.of("..", "schemas", "src", "main", "resources", "examples", "pitgun-envelope", "v1");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ParameterRegistry registry;
    private final Random random;
    private final List<String> documents = new ArrayList<>();

    EnvelopeCorpus(final ParameterRegistry registry, final long seed)
    {
        this.registry = registry;
        this.random = new Random(seed);
    }

    List<String> build(final int randomEnvelopes)
    {
        addExamples();
        for (int i = 0; i < randomEnvelopes; i++)
        {
            final ObjectNode envelope = randomEnvelope();
            documents.add(write(envelope));
            if (i < 40)
            {
                treeMutations(envelope);
                textMutations(write(envelope));
            }
        }
        documents.add(write(bigBatch(1024)));
        documents.add(write(bigBatch(1025)));
        return documents;
    }

    private void addExamples()
    {
        for (final String kind : List.of("valid", "invalid"))
        {
            try (Stream<Path> files = Files.list(EXAMPLES.resolve(kind)))
            {
                files.filter(f -> f.toString().endsWith(".json")).sorted().forEach(f ->
                {
                    try
                    {
                        documents.add(Files.readString(f, StandardCharsets.UTF_8));
                    }
                    catch (final IOException ex)
                    {
                        throw new UncheckedIOException(ex);
                    }
                });
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }

    ObjectNode randomEnvelope()
    {
        final ObjectNode envelope = NODES.objectNode();
        envelope.put("schema_version", "pitgun-envelope-v1");
        envelope.put("event_id", uuid());
        envelope.put("ts", "2026-04-11T12:43:44.279Z");
        envelope.put("player_id", uuid());
        envelope.put("session_id", uuid());
        if (random.nextBoolean())
        {
            envelope.put("source_id", random.nextInt(65_536));
        }
        final int kind = random.nextInt(10);
        if (kind == 0 || kind == 1)
        {
            envelope.put("event_type", kind == 0 ? "session.start" : "session.end");
            final ObjectNode payload = envelope.putObject("payload");
            payload.put("timestamp_us", Math.abs(random.nextLong() >>> 8));
            if (random.nextBoolean())
            {
                payload.put("label", "Monza quali " + random.nextInt(100));
            }
        }
        else
        {
            envelope.put("event_type", "telemetry.sample_batch");
            final ArrayNode frames = envelope.putObject("payload").putArray("frames");
            final int count = 1 + random.nextInt(4);
            for (int i = 0; i < count; i++)
            {
                frames.add(randomFrame(i));
            }
        }
        return shuffled(envelope);
    }

    private ObjectNode randomFrame(final int sequence)
    {
        final ObjectNode frame = NODES.objectNode();
        frame.put("sequence", sequence);
        frame.put("timestamp_us", 1_775_911_424_279_000L + sequence * 10_000L);
        if (random.nextBoolean())
        {
            frame.put("lap_number", random.nextInt(65_535));
        }
        if (random.nextBoolean())
        {
            frame.put("sector", random.nextInt(255));
        }
        final ObjectNode samples = frame.putObject("samples");
        final List<ParameterDefinition> channels = new ArrayList<>(registry.parameters());
        Collections.shuffle(channels, random);
        final int count = 1 + random.nextInt(Math.min(20, channels.size()));
        for (int i = 0; i < count; i++)
        {
            final ParameterDefinition channel = channels.get(i);
            putValue(samples, channel.name(), channel);
        }
        return shuffled(frame);
    }

    private void putValue(final ObjectNode samples, final String name, final ParameterDefinition channel)
    {
        final DataType type = channel.dataType();
        if (type == DataType.BOOL)
        {
            samples.put(name, random.nextBoolean());
        }
        else if (type.isInteger())
        {
            final long min = (long)channel.min();
            final long max = (long)channel.max();
            final long span = max - min;
            samples.put(name, span <= 0 ? min : min + (long)(random.nextDouble() * span));
        }
        else
        {
            final double value = channel.min() + random.nextDouble() * (channel.max() - channel.min());
            samples.put(name, Math.round(value * 1000) / 1000.0 > channel.max() ? channel.max() :
                Math.max(channel.min(), Math.round(value * 1000) / 1000.0));
        }
    }

    private ObjectNode bigBatch(final int frames)
    {
        final ObjectNode envelope = randomEnvelope();
        envelope.put("event_type", "telemetry.sample_batch");
        final ArrayNode array = envelope.putObject("payload").putArray("frames");
        for (int i = 0; i < frames; i++)
        {
            final ObjectNode frame = array.addObject();
            frame.put("sequence", i);
            frame.put("timestamp_us", i);
            frame.putObject("samples").put("Engine_RPM", i);
        }
        return envelope;
    }

    // ------------------------------------------------------------------------------------------ tree mutations

    private void treeMutations(final ObjectNode valid)
    {
        final boolean batch = "telemetry.sample_batch".equals(valid.path("event_type").asText());
        for (final String field : List.of("schema_version", "event_id", "ts", "player_id", "session_id", "event_type",
            "payload", "source_id"))
        {
            mutate(valid, e -> e.remove(field));
            for (final JsonNode wrong : wrongTypes())
            {
                mutate(valid, e -> e.set(field, wrong));
            }
        }
        mutate(valid, e -> e.put("extra", 1));
        mutate(valid, e -> e.put("schema_version", "pitgun-envelope-v2"));
        mutate(valid, e -> e.put("schema_version", ""));
        for (final String uuid : List.of("B88C0D71-14C9-4A26-A290-A7F38EE17BBC", "b88c0d7114c94a26a290a7f38ee17bbc",
            "b88c0d71-14c9-4a26-a290-a7f38ee17bb", "b88c0d71-14c9-4a26-a290-a7f38ee17bbg",
            "{b88c0d71-14c9-4a26-a290-a7f38ee17bbc}", "b88c0d71_14c9_4a26_a290_a7f38ee17bbc", ""))
        {
            mutate(valid, e -> e.put("event_id", uuid));
            mutate(valid, e -> e.put("session_id", uuid));
        }
        for (final String ts : List.of("2026-04-11t12:43:44z", "2026-04-11T12:43:44+05:30", "2026-04-11T12:43:44-00:00",
            "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-04-31T00:00:00Z",
            "2026-04-11T24:00:00Z", "2026-04-11T12:60:00Z", "2026-04-11T12:43:60Z", "2026-04-11T12:43:44.123456789Z",
            "2026-04-11T12:43:44.1234567890Z", "2026-04-11T12:43:44.Z", "2026-04-11T12:43:44", "2026-04-11 12:43:44Z",
            "2026-4-11T12:43:44Z", "2026-04-11T12:43:44+0530", "2026-04-11T12:43:44+24:00", "2026-04-11",
            "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "0000-01-01T00:00:00Z"))
        {
            mutate(valid, e -> e.put("ts", ts));
        }
        for (final String number : List.of("-1", "0", "65535", "65536", "1.0", "1.5", "1e2", "-0", "1E0"))
        {
            mutate(valid, e -> e.set("source_id", number(number)));
        }
        mutate(valid, e -> e.put("event_type", "telemetry.sample_batch "));
        mutate(valid, e -> e.put("event_type", batch ? "session.start" : "telemetry.sample_batch"));
        mutate(valid, e -> ((ObjectNode)e.get("payload")).put("extra", true));
        if (batch)
        {
            frameMutations(valid);
        }
        else
        {
            mutate(valid, e -> ((ObjectNode)e.get("payload")).remove("timestamp_us"));
            mutate(valid, e -> ((ObjectNode)e.get("payload")).put("timestamp_us", -1));
            mutate(valid, e -> ((ObjectNode)e.get("payload")).put("timestamp_us", "1"));
            mutate(valid, e -> ((ObjectNode)e.get("payload")).put("label", "\u00e9".repeat(128)));
            mutate(valid, e -> ((ObjectNode)e.get("payload")).put("label", "\u00e9".repeat(129)));
            mutate(valid, e -> ((ObjectNode)e.get("payload")).put("label", "\uD83C\uDFC1".repeat(128)));
            mutate(valid, e -> ((ObjectNode)e.get("payload")).put("label", "\uD83C\uDFC1".repeat(129)));
            mutate(valid, e -> ((ObjectNode)e.get("payload")).put("label", 5));
            mutate(valid, e -> ((ObjectNode)e.get("payload")).putArray("frames"));
        }
    }

    private void frameMutations(final ObjectNode valid)
    {
        mutate(valid, e -> ((ObjectNode)e.get("payload")).putArray("frames"));
        mutate(valid, e -> ((ObjectNode)e.get("payload")).put("frames", "x"));
        mutate(valid, e -> ((ObjectNode)e.get("payload")).remove("frames"));
        mutate(valid, e -> ((ObjectNode)e.get("payload")).put("timestamp_us", 5));
        mutate(valid, e -> ((ArrayNode)e.at("/payload/frames")).add(1));
        for (final String field : List.of("sequence", "timestamp_us", "samples", "lap_number", "sector"))
        {
            mutate(valid, e -> firstFrame(e).remove(field));
            for (final JsonNode wrong : wrongTypes())
            {
                mutate(valid, e -> firstFrame(e).set(field, wrong));
            }
        }
        mutate(valid, e -> firstFrame(e).put("extra", 1));
        for (final String number : List.of("-1", "0", "9223372036854775807", "9223372036854775808", "1.0", "1.5",
            "1e3", "1E18", "1e19", "-0", "0.0"))
        {
            mutate(valid, e -> firstFrame(e).set("sequence", number(number)));
            mutate(valid, e -> firstFrame(e).set("timestamp_us", number(number)));
        }
        for (final String number : List.of("65534", "65535", "254", "255", "-1", "3.0"))
        {
            mutate(valid, e -> firstFrame(e).set("lap_number", number(number)));
            mutate(valid, e -> firstFrame(e).set("sector", number(number)));
        }
        mutate(valid, e -> firstFrame(e).putObject("samples"));
        for (final String name : List.of("1abc", "a-b", "a b", "A".repeat(65), "_x", ""))
        {
            mutate(valid, e -> ((ObjectNode)firstFrame(e).get("samples")).put(name, 1));
        }
        for (final JsonNode wrong : List.of(NODES.nullNode(), NODES.textNode("1"), NODES.arrayNode(), NODES.objectNode()))
        {
            mutate(valid, e ->
            {
                final ObjectNode samples = (ObjectNode)firstFrame(e).get("samples");
                samples.set(samples.fieldNames().next(), wrong);
            });
        }
    }

    private static ObjectNode firstFrame(final ObjectNode envelope)
    {
        return (ObjectNode)envelope.at("/payload/frames/0");
    }

    private static List<JsonNode> wrongTypes()
    {
        return List.of(NODES.nullNode(), NODES.booleanNode(true), NODES.numberNode(1), NODES.textNode("x"),
            NODES.arrayNode(), NODES.objectNode());
    }

    private static JsonNode number(final String text)
    {
        try
        {
            return MAPPER.readTree(text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void mutate(final ObjectNode valid, final Consumer<ObjectNode> mutation)
    {
        final ObjectNode copy = valid.deepCopy();
        mutation.accept(copy);
        documents.add(write(copy));
    }

    // ------------------------------------------------------------------------------------------ text mutations

    private void textMutations(final String valid)
    {
        documents.add(valid.replace("\"schema_version\"", "\"\\u0073chema_version\""));
        documents.add(valid.replace("\"pitgun-envelope-v1\"", "\"pitgun\\u002denvelope-v1\""));
        documents.add(valid.replace("\"pitgun-envelope-v1\"", "\"pitgun\\/envelope-v1\""));
        documents.add(valid.replace(",", " ,\n\t").replace(":", " : "));
        documents.add(" \r\n" + valid + "\n ");
        documents.add(valid + "x");
        documents.add(valid + "{}");
        documents.add(valid.substring(0, valid.length() / 2));
        documents.add(valid.substring(0, valid.length() - 1));
        documents.add(valid.replace("{", "{ ,"));
        documents.add(valid.replace("\"ts\":\"", "\"ts\":\"\t"));
        documents.add(valid.replace("\"ts\":\"", "\"ts\":\"\\q"));
        documents.add(valid.replace(":1,", ":01,"));
        documents.add(valid.replace(":0,", ":-0,"));
        documents.add(valid.replace("true", "True"));
        documents.add(valid.replace("\"sequence\":0", "\"sequence\":0e0"));
        documents.add(valid.replace("\"sequence\":0", "\"sequence\":0.0e5"));
        documents.add(valid.replace("\"sequence\":0", "\"sequence\":.0"));
        documents.add(valid.replace("\"sequence\":0", "\"sequence\":+0"));
        documents.add(valid.replace("\"sequence\":0", "\"sequence\":0."));
    }

    // ----------------------------------------------------------------------------------------------- helpers

    private ObjectNode shuffled(final ObjectNode node)
    {
        final List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(node.properties());
        Collections.shuffle(entries, random);
        final ObjectNode shuffled = NODES.objectNode();
        for (final Map.Entry<String, JsonNode> entry : entries)
        {
            shuffled.set(entry.getKey(), entry.getValue());
        }
        return shuffled;
    }

    private String uuid()
    {
        return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
    }

    private static String write(final JsonNode node)
    {
        try
        {
            return MAPPER.writeValueAsString(node);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
