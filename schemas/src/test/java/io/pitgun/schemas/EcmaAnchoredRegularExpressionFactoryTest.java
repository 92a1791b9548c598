package io.pitgun.schemas;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EcmaAnchoredRegularExpressionFactoryTest
{
    private static boolean matches(final String regex, final String value)
    {
        return EcmaAnchoredRegularExpressionFactory.INSTANCE.getRegularExpression(regex).matches(value);
    }

    @Test
    void shouldMatchDollarOnlyAtTheEndOfTheInput()
    {
        assertTrue(matches("^[A-Za-z][A-Za-z0-9_]{0,63}$", "Power"));
        assertFalse(matches("^[A-Za-z][A-Za-z0-9_]{0,63}$", "Power\n"));
        assertFalse(matches("^[A-Za-z][A-Za-z0-9_]{0,63}$", "Power\r\n"));
        assertFalse(matches("(/|$)x", "a\nx"));
    }

    @Test
    void shouldLeaveEscapedAndClassDollarsLiteral()
    {
        assertEquals("^a\\$[$\\]$]\\z", EcmaAnchoredRegularExpressionFactory.anchorAtEndOfInput("^a\\$[$\\]$]$"));
        assertTrue(matches("^[$]$", "$"));
        assertTrue(matches("^\\$$", "$"));
    }

    @Test
    void shouldMatchAnywhereWhenUnanchoredAsJsonSchemaDoes()
    {
        assertTrue(matches("[0-9]", "ab1c"));
    }
}
