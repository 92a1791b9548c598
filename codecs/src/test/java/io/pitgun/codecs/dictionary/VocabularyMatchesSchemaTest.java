package io.pitgun.codecs.dictionary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Java vocabularies and the schema's enums are one list written twice: keep them identical. */
class VocabularyMatchesSchemaTest
{
    private final JsonNode parameter = parameterSchema();

    @Test
    void unitsMatchSchemaEnum()
    {
        final List<String> symbols = new ArrayList<>();
        for (final Unit unit : Unit.values())
        {
            symbols.add(unit.symbol());
        }
        assertEquals(enumOf(parameter.at("/properties/unit")), symbols);
    }

    @Test
    void dataTypesMatchSchemaEnum()
    {
        final List<String> symbols = new ArrayList<>();
        for (final DataType type : DataType.values())
        {
            symbols.add(type.symbol());
        }
        assertEquals(enumOf(parameter.at("/properties/data_type")), symbols);
    }

    @Test
    void dimensionsMatchSchemaEnum()
    {
        final List<String> symbols = new ArrayList<>();
        for (final Dimension dimension : Dimension.values())
        {
            symbols.add(dimension.symbol());
        }
        assertEquals(enumOf(parameter.at("/properties/dimension")), symbols);
    }

    @Test
    void accessLevelsMatchSchemaEnum()
    {
        final List<String> symbols = new ArrayList<>();
        for (final AccessLevel level : AccessLevel.values())
        {
            symbols.add(level.symbol());
        }
        assertEquals(enumOf(parameter.at("/properties/access")), symbols);
    }

    private static List<String> enumOf(final JsonNode property)
    {
        JsonNode node = property;
        if (node.has("$ref"))
        {
            node = parameterSchemaRoot().at(node.get("$ref").asText().substring(1));
        }
        final List<String> values = new ArrayList<>();
        node.path("enum").forEach(v -> values.add(v.asText()));
        return values;
    }

    private static JsonNode parameterSchema()
    {
        final JsonNode root = parameterSchemaRoot();
        JsonNode items = root.at("/properties/parameters/items");
        if (items.has("$ref"))
        {
            items = root.at(items.get("$ref").asText().substring(1));
        }
        return items;
    }

    private static JsonNode parameterSchemaRoot()
    {
        try
        {
            return new ObjectMapper().readTree(SchemaCatalog.standard().schemaText(SchemaId.parse("metrics-dictionary/v1")));
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
