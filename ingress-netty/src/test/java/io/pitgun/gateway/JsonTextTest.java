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

    /**
     * DEL and the C1 controls are escaped: a header byte 0x85 (read as Latin-1, U+0085, NEL) was written raw into an
     * audit line, which splitters that honour NEL (Python's str.splitlines) cut in two.
     */
    @Test
    void shouldEscapeDeleteAndTheC1Controls() throws Exception
    {
        final String value = "a\u0085b\u007Fc\u009Fd\u00A0";

        final String json = JsonText.quote(new StringBuilder(), value).toString();

        assertEquals("\"a\\u0085b\\u007fc\\u009fd\u00A0\"", json);
        assertEquals(value, new ObjectMapper().readValue(json, String.class));
    }
}
