package io.pitgun.codecs.envelope;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scanner's strings against a plain reference: a string made of pieces whose unescaped text is known (plain
 * ASCII, multi-byte UTF-8, escapes, control characters) reads back as that text with its code point count, or fails
 * where the first control character is; wherever it starts in the buffer and whatever follows its closing quote,
 * so that eight-byte words straddle both ends.
 */
class JsonCursorStringTest
{
    /** One piece of a string literal: how it is written between the quotes and what it stands for. */
    private record Piece(String json, String text, boolean invalid)
    {
    }

    private static final List<Piece> PIECES = List.of(
        new Piece("a", "a", false), new Piece("Engine_RPM", "Engine_RPM", false), new Piece(" ", " ", false),
        new Piece("~", "~", false), new Piece("0123456789abcdef", "0123456789abcdef", false),
        new Piece("é", "é", false), new Piece("中", "中", false), new Piece("😀", "😀", false),
        new Piece("\\\"", "\"", false), new Piece("\\\\", "\\", false), new Piece("\\n", "\n", false),
        new Piece("\\u00e9", "é", false), new Piece("\\/", "/", false),
        new Piece("\t", null, true), new Piece("\u001f", null, true), new Piece("\u0000", null, true));

    @Provide
    Arbitrary<List<Piece>> pieces()
    {
        // Mostly plain pieces, so that long runs of plain bytes (the eight-at-a-time path) are common.
        final Arbitrary<Piece> plain = Arbitraries.of(PIECES.subList(0, 5));
        final Arbitrary<Piece> any = Arbitraries.of(PIECES);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, plain), net.jqwik.api.Tuple.of(1, any)).list()
            .ofMaxSize(24);
    }

    @Property(tries = 3000)
    void readsWhatThePiecesSay(@ForAll("pieces") final List<Piece> pieces,
        @ForAll @IntRange(min = 0, max = 9) final int offset, @ForAll @Size(max = 12) final List<Byte> after)
    {
        final StringBuilder json = new StringBuilder("\"");
        final StringBuilder text = new StringBuilder();
        boolean invalid = false;
        for (final Piece piece : pieces)
        {
            json.append(piece.json());
            invalid |= piece.invalid();
            if (!invalid)
            {
                text.append(piece.text());
            }
        }
        json.append('"');
        final ByteArrayOutputStream document = new ByteArrayOutputStream();
        document.writeBytes(new byte[offset]);
        document.writeBytes(json.toString().getBytes(StandardCharsets.UTF_8));
        for (final Byte b : after)
        {
            document.write(b);
        }
        final byte[] bytes = document.toByteArray();
        final JsonCursor cursor = new JsonCursor(1024);
        cursor.wrap(bytes, offset, bytes.length - offset);

        final int code = cursor.readString();

        if (invalid)
        {
            assertEquals(0, code, json::toString);
            return;
        }
        assertEquals(1, code, () -> json + ": " + cursor.problem());
        assertEquals(text.toString(), cursor.stringValue(), json::toString);
        assertEquals(text.codePointCount(0, text.length()), cursor.stringCodePoints(), json::toString);
        assertEquals(offset + json.toString().getBytes(StandardCharsets.UTF_8).length, cursor.pos, json::toString);
    }

    @Test
    void plainWordsAreTheOnlyOnesSkippedWhole()
    {
        assertEquals(true, SwarDigits.isPlainText(SwarDigits.word("abcdefgh".getBytes(StandardCharsets.UTF_8), 0)));
        assertEquals(true, SwarDigits.isPlainText(SwarDigits.word(" !#[]~}{".getBytes(StandardCharsets.UTF_8), 0)));
        for (final String stop : List.of("\"", "\\", "\u001f", "\u0000", "\u007f\u0080"))
        {
            for (int at = 0; at < 8; at++)
            {
                final byte[] word = "abcdefghij".getBytes(StandardCharsets.UTF_8);
                final byte[] s = stop.getBytes(StandardCharsets.ISO_8859_1);
                word[at] = s[s.length - 1];
                final boolean plain = s[s.length - 1] == 0x7f;
                assertEquals(plain, SwarDigits.isPlainText(SwarDigits.word(word, 0)), stop + " at " + at);
            }
        }
    }
}
