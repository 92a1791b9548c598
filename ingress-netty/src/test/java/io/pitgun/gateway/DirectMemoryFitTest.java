package io.pitgun.gateway;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounds on direct memory fitted to the JVM's, and the largest body the partial-message budget can hold. */
class DirectMemoryFitTest
{
    private static final int MAX_BODY = 4 << 20;
    private static final int MAX_HEADER = 16_384;

    @Test
    void shouldKeepTheSettingsAndTheLargestBodyWhenTheyFit()
    {
        final DirectMemoryFit fit = DirectMemoryFit.of(128L << 20, 64L << 20, 1L << 30, 0, MAX_BODY, MAX_HEADER);
        assertNull(fit.lowered());
        assertEquals(64L << 20, fit.partialMessageBudgetBytes());
        assertEquals(MAX_BODY, fit.largestBodyBytes(MAX_BODY, MAX_HEADER));
    }

    /** -Xmx48m: the budget lowered to 2.6 MB, below the 4 MiB body limit; the warning says what body still fits. */
    @Test
    void shouldSayTheLargestBodyWhenTheLoweredBudgetCannotHoldMaxBodyBytes()
    {
        final DirectMemoryFit fit = DirectMemoryFit.of(128L << 20, 64L << 20, 48L << 20, 24L << 20, MAX_BODY,
            MAX_HEADER);
        final long budget = fit.partialMessageBudgetBytes();
        assertTrue(budget < MAX_BODY, "budget " + budget);
        final int largest = fit.largestBodyBytes(MAX_BODY, MAX_HEADER);
        assertEquals(budget - DirectMemoryFit.REQUEST_LINE_BYTES - MAX_HEADER, largest);
        assertTrue(fit.lowered().contains("the largest request body it can take is now " + largest + " bytes, " +
            "below PITGUN_GATEWAY_MAX_BODY_BYTES (" + MAX_BODY + ")"), fit.lowered());
        assertTrue(fit.lowered().contains("-XX:MaxDirectMemorySize"), fit.lowered());
    }

    @Test
    void shouldNotMentionTheBodyWhenTheLoweredBudgetStillHoldsIt()
    {
        final DirectMemoryFit fit = DirectMemoryFit.of(128L << 20, 64L << 20, 128L << 20, 0, MAX_BODY, MAX_HEADER);
        assertTrue(fit.lowered() != null && !fit.lowered().contains("largest request body"), fit.lowered());
    }

    @Test
    void shouldLeaveHalfATinyBudgetForTheBody()
    {
        assertEquals(1024, DirectMemoryFit.largestBodyBytes(2048, MAX_BODY, MAX_HEADER));
    }
}
