package io.pitgun.codecs.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import io.pitgun.schemas.SchemaProblem;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoder and a standard draft 2020-12 validator running the published schema must accept exactly the same
 * envelopes, among those whose channels and values the dictionary accepts (the schema cannot know the
 * dictionary).
 */
class EnvelopeDecoderSchemaAgreementTest
{
    private static final SchemaId ENVELOPE = SchemaId.parse("pitgun-envelope/v1");
    private final ObjectMapper mapper = new ObjectMapper();
    private final ParameterRegistry registry = ParameterRegistry.simV1();

    @Test
    void decoderAndSchemaAcceptTheSameEnvelopes()
    {
        final EnvelopeDecoder decoder = new EnvelopeDecoder(registry).allowRestricted(true);
        final ExpandableArrayBuffer out = new ExpandableArrayBuffer(EnvelopeDecoder.maxOutputBytes(DecoderLimits.DEFAULTS));
        final List<String> corpus = new EnvelopeCorpus(registry, 20_261_122L).build(400);

        final List<String> disagreements = new ArrayList<>();
        int accepted = 0;
        int rejected = 0;
        int dictionaryOnly = 0;
        for (final String json : corpus)
        {
            final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            final boolean decoderAccepts = decoder.decode(new UnsafeBuffer(bytes), 0, bytes.length, out, 0);
            if (!decoderAccepts && decoder.error().code().category() == DecodeErrorCode.Category.DICTIONARY)
            {
                dictionaryOnly++;
                continue;
            }
            final List<SchemaProblem> problems = schemaProblems(json);
            final boolean schemaAccepts = problems.isEmpty();
            if (schemaAccepts != decoderAccepts)
            {
                disagreements.add((schemaAccepts ? "schema accepts, decoder rejects (" + decoder.error() + ")" :
                    "schema rejects (" + problems + "), decoder accepts") + ":\n    " + abbreviate(json));
            }
            else if (schemaAccepts)
            {
                accepted++;
            }
            else
            {
                rejected++;
            }
        }
        assertTrue(disagreements.isEmpty(), disagreements.size() + " disagreements, e.g.\n" +
            String.join("\n", disagreements.subList(0, Math.min(15, disagreements.size()))));
        assertTrue(accepted >= 400, "too few accepted envelopes to mean anything: " + accepted);
        assertTrue(rejected >= 1000, "too few rejected envelopes to mean anything: " + rejected);
        assertTrue(dictionaryOnly < corpus.size() / 10, "dictionary rejections dominate the corpus: " + dictionaryOnly);
    }

    private List<SchemaProblem> schemaProblems(final String json)
    {
        final JsonNode document;
        try
        {
            document = mapper.readTree(json);
            if (document == null || mapper.getFactory().createParser(json).readValueAsTree() == null)
            {
                return List.of(new SchemaProblem("", "parse", "empty document"));
            }
            // ObjectMapper.readTree ignores trailing tokens; a validator fed a document with trailing data must not.
            try (var parser = mapper.getFactory().createParser(json))
            {
                parser.readValueAsTree();
                if (parser.nextToken() != null)
                {
                    return List.of(new SchemaProblem("", "parse", "trailing data"));
                }
            }
        }
        catch (final Exception ex)
        {
            return List.of(new SchemaProblem("", "parse", ex.getClass().getSimpleName()));
        }
        return SchemaCatalog.standard().validate(ENVELOPE, document);
    }

    private static String abbreviate(final String json)
    {
        return json.length() <= 400 ? json : json.substring(0, 400) + "...";
    }
}
