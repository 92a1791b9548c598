package io.pitgun.solver.json;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonReaderTest
{
    @Test
    void shouldReadNestedValues()
    {
        final Object value = JsonReader.parse(" {\"a\": [1, -2.5e3, true, null], \"b\": \"x\\u00e9\\n\"} ");
        final Map<?, ?> object = (Map<?, ?>)value;
        final List<?> array = (List<?>)object.get("a");
        assertEquals(new JsonNumber("1"), array.get(0));
        assertEquals(-2500.0, ((JsonNumber)array.get(1)).toDouble());
        assertEquals(Boolean.TRUE, array.get(2));
        assertSame(JsonReader.NULL, array.get(3));
        assertEquals("x\u00e9\n", object.get("b"));
    }

    @Test
    void shouldRoundTripWhatTheWriterWrites()
    {
        final String json = new JsonWriter().beginObject()
            .name("q\"uote").value("line\nbreak")
            .name("n").value(0.1)
            .name("list").beginInlineArray().value(1).value(2).endArray()
            .endObject().toJson();
        final Map<?, ?> object = (Map<?, ?>)JsonReader.parse(json);
        assertEquals("line\nbreak", object.get("q\"uote"));
        assertEquals(0.1, ((JsonNumber)object.get("n")).toDouble());
        assertEquals(List.of(new JsonNumber("1"), new JsonNumber("2")), object.get("list"));
    }

    @Test
    void shouldNameTheOffsetOfSyntaxErrors()
    {
        assertEquals(6, assertThrows(JsonSyntaxException.class, () -> JsonReader.parse("{\"a\": }")).offset());
        assertEquals(5, assertThrows(JsonSyntaxException.class, () -> JsonReader.parse("[1, 2")).offset());
        assertEquals(2, assertThrows(JsonSyntaxException.class, () -> JsonReader.parse("[01]")).offset());
        assertThrows(JsonSyntaxException.class, () -> JsonReader.parse("{} x"));
    }

    @Test
    void shouldRejectDuplicateMembers()
    {
        final JsonSyntaxException ex =
            assertThrows(JsonSyntaxException.class, () -> JsonReader.parse("{\"a\": 1, \"a\": 2}"));
        assertEquals(9, ex.offset());
    }
}
