package io.pitgun.codecs.envelope;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The in-place UUID parser against {@link UUID#fromString} and a plain check of the canonical form. */
class UuidTextTest
{
    @Property(tries = 2000)
    void canonicalTextParsesLikeTheJdk(@ForAll final long most, @ForAll final long least,
        @ForAll final boolean upper)
    {
        final UUID uuid = new UUID(most, least);
        final String text = upper ? uuid.toString().toUpperCase() : uuid.toString();
        final UuidText parsed = new UuidText();
        assertEquals(true, parsed.parse(("xy" + text).getBytes(StandardCharsets.US_ASCII), 2, 36), text);
        assertEquals(most, parsed.mostSigBits, text);
        assertEquals(least, parsed.leastSigBits, text);
    }

    @Provide
    Arbitrary<Character> anyAscii()
    {
        return Arbitraries.chars().range((char)0, (char)255);
    }

    @Property(tries = 5000)
    void oneChangedByteIsRefusedUnlessItIsStillCanonical(@ForAll @IntRange(min = 0, max = 35) final int at,
        @ForAll("anyAscii") final char replacement)
    {
        final byte[] text = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        text[at] = (byte)replacement;
        final boolean dash = at == 8 || at == 13 || at == 18 || at == 23;
        final boolean canonical = dash ? replacement == '-' : Character.digit(replacement, 16) >= 0 &&
            replacement < 128;
        assertEquals(canonical, new UuidText().parse(text, 0, 36), "byte " + at + " = " + (int)replacement);
    }
}
