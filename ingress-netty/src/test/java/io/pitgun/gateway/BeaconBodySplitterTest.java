package io.pitgun.gateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BeaconBodySplitterTest
{
    private final BeaconBodySplitter splitter = new BeaconBodySplitter(4);

    private String[] split(final String body)
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertTrue(splitter.split(bytes, 0, bytes.length), () -> splitter.error());
        final String[] parts = new String[splitter.count()];
        for (int i = 0; i < parts.length; i++)
        {
            parts[i] = new String(bytes, splitter.start(i), splitter.length(i), StandardCharsets.UTF_8);
        }
        return parts;
    }

    @Test
    void shouldFindOneEnvelopeArrayElementsAndNdjsonLines()
    {
        assertEquals(1, split(" {\"a\":\"}\"} \n").length);
        final String[] array = split("[ {\"a\":[1,{\"b\":\"]\"}]} , {\"c\":\"\\\"{\"} ]");
        assertEquals("{\"a\":[1,{\"b\":\"]\"}]}", array[0]);
        assertEquals("{\"c\":\"\\\"{\"}", array[1]);
        final String[] lines = split("{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}\n");
        assertEquals(3, lines.length);
        assertEquals("{\"c\":3}", lines[2]);
        assertEquals(0, split("[]").length);
    }

    @Test
    void shouldRefuseBrokenStructureWithOffset()
    {
        final byte[] body = "[{\"a\":1} {\"b\":2}]".getBytes(StandardCharsets.UTF_8);
        assertFalse(splitter.split(body, 0, body.length));
        assertEquals(9, splitter.errorOffset());
        final byte[] open = "{\"a\":\"x".getBytes(StandardCharsets.UTF_8);
        assertFalse(splitter.split(open, 0, open.length));
        assertTrue(splitter.error().contains("inside a string"), splitter.error());
    }

    @Test
    void shouldReportTooManyEnvelopes()
    {
        final byte[] body = "{}\n{}\n{}\n{}\n{}".getBytes(StandardCharsets.UTF_8);
        assertFalse(splitter.split(body, 0, body.length));
        assertTrue(splitter.tooMany());
    }
}
