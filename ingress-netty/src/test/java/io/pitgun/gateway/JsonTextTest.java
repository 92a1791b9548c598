package io.pitgun.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTextTest
{
    @Test
    void shouldEscapeLineSeparatorsWithAllFourHexDigits() throws Exception
    {
        final String value = "a\u2028b\u2029c\u0001";

        final String json = JsonText.quote(new StringBuilder(), value).toString();

        assertEquals("\"a\\u2028b\\u2029c\\u0001\"", json);
        assertEquals(value, new ObjectMapper().readValue(json, String.class));
    }
}
