package io.pitgun.gateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

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

    /**
     * A top-level value that is not an object is a body broken at its top level, refused once: {@code not json} was
     * split into two "envelopes", each refused and counted, while the same text as a WebSocket message was said to
     * hold two envelopes (found by a black-box tester).
     */
    @Test
    void shouldRefuseATopLevelValueThatIsNotAnObject()
    {
        for (final String body : new String[] {"not json", "42", "{\"a\":1}\n\"x\""})
        {
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            assertFalse(splitter.split(bytes, 0, bytes.length), body);
            assertTrue(splitter.error().startsWith("expected an envelope"), splitter.error());
        }
        final byte[] second = "{\"a\":1}\n\"x\"".getBytes(StandardCharsets.UTF_8);
        splitter.split(second, 0, second.length);
        assertEquals(8, splitter.errorOffset());
        assertEquals(1, splitter.count(), "the envelope it broke at");
        final byte[] inside = "{\"a\":1} {\"b\":[".getBytes(StandardCharsets.UTF_8);
        assertFalse(splitter.split(inside, 0, inside.length));
        assertEquals(8, splitter.errorEnvelopeOffset());
        assertEquals(3, split("[1, \"x\", {}]").length, "an array's elements are each refused as an envelope");
    }

    @Test
    void shouldReportTooManyEnvelopes()
    {
        final byte[] body = "{}\n{}\n{}\n{}\n{}".getBytes(StandardCharsets.UTF_8);
        assertFalse(splitter.split(body, 0, body.length));
        assertTrue(splitter.tooMany());
    }

    @Test
    void shouldSplitExactlyAsTheBytewiseScanWhateverTheBody()
    {
        // Bodies dense in what the scan cares about (quotes, escapes, brackets, separators) at every offset and
        // length, so that each of them falls at every position of an eight-byte word, and in the byte-wise tail.
        final byte[] alphabet = "{}[]\"\\\\,: \n\tab1\u00e9".getBytes(StandardCharsets.UTF_8);
        final SplittableRandom random = new SplittableRandom(15);
        final BeaconBodySplitter fast = new BeaconBodySplitter(64);
        final BytewiseBodySplitter plain = new BytewiseBodySplitter(64);
        final byte[] body = new byte[80];
        int splits = 0;
        for (int run = 0; run < 300_000; run++)
        {
            int length = random.nextInt(body.length - 3);
            final int offset = random.nextInt(3);
            final boolean array = random.nextInt(3) == 0;
            for (int i = 0; i < body.length; i++)
            {
                body[i] = alphabet[random.nextInt(alphabet.length)];
            }
            body[offset] = array ? (byte)'[' : (byte)'{';
            if (random.nextBoolean())
            {
                // Balanced values (the bodies that split), strings full of brackets and escapes, NDJSON or an array.
                final StringBuilder text = new StringBuilder();
                while (text.length() < 30)
                {
                    value(text, random, 0, !array); // NDJSON's top-level values are objects
                    text.append(array ? "," : "\n");
                }
                final byte[] bytes = ((array ? "[" : "") + text.substring(0, text.length() - 1) + (array ? "]" : ""))
                    .getBytes(StandardCharsets.UTF_8);
                length = Math.min(bytes.length, body.length - offset);
                System.arraycopy(bytes, 0, body, offset, length);
            }
            final boolean split = fast.split(body, offset, length);
            final String what = "body " + new String(body, offset, length, StandardCharsets.UTF_8);
            assertEquals(plain.split(body, offset, length), split, what);
            assertEquals(plain.error(), fast.error(), what);
            assertEquals(plain.errorOffset(), fast.errorOffset(), what);
            assertEquals(plain.errorEnvelopeOffset(), fast.errorEnvelopeOffset(), what);
            assertEquals(plain.tooMany(), fast.tooMany(), what);
            if (split)
            {
                splits++;
                assertEquals(plain.count(), fast.count(), what);
                for (int i = 0; i < fast.count(); i++)
                {
                    assertEquals(plain.start(i), fast.start(i), what);
                    assertEquals(plain.length(i), fast.length(i), what);
                }
            }
        }
        assertTrue(splits > 30_000, "bodies that split: " + splits);
    }

    private static void value(final StringBuilder out, final SplittableRandom random, final int depth)
    {
        value(out, random, depth, false);
    }

    private static void value(final StringBuilder out, final SplittableRandom random, final int depth,
        final boolean object)
    {
        final int kind = object ? 0 : depth > 3 ? 2 + random.nextInt(2) : random.nextInt(4);
        switch (kind)
        {
            case 0, 1 ->
            {
                out.append(kind == 0 ? '{' : '[');
                final int items = random.nextInt(3);
                for (int i = 0; i < items; i++)
                {
                    out.append(i == 0 ? "" : random.nextBoolean() ? "," : ", ");
                    value(out, random, depth + 1);
                }
                out.append(kind == 0 ? '}' : ']');
            }
            case 2 ->
            {
                out.append('"');
                final int chars = random.nextInt(12);
                for (int i = 0; i < chars; i++)
                {
                    // Brackets and separators mean nothing in a string; escaped quotes and backslashes neither.
                    final int c = random.nextInt(11);
                    out.append(c < 9 ? String.valueOf("ab{}[]:,\u00e9".charAt(c)) : c == 9 ? "\\\"" : "\\\\");
                }
                out.append('"');
            }
            default -> out.append(random.nextBoolean() ? "12.5" : "true");
        }
    }
}
