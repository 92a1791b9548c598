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
    /** OUTBOUND_LIMIT_BYTES, OUTBOUND_HIGH_WATER_BYTES and SUBSCRIBER_BUFFER_BYTES by default. */
    private static final DirectMemoryFit.Connection DEFAULTS = new DirectMemoryFit.Connection(4 << 20, 256 << 10,
        1 << 20);

    @Test
    void shouldKeepTheSettingsAndTheLargestBodyWhenTheyFit()
    {
        final DirectMemoryFit fit = DirectMemoryFit.of(128L << 20, 64L << 20, DEFAULTS, 1L << 30, 0, MAX_BODY,
            MAX_HEADER);
        assertNull(fit.lowered());
        assertEquals(64L << 20, fit.partialMessageBudgetBytes());
        assertEquals(MAX_BODY, fit.largestBodyBytes(MAX_BODY, MAX_HEADER));
    }

    /** -Xmx48m: the budget lowered to 2.6 MB, below the 4 MiB body limit; the warning says what body still fits. */
    @Test
    void shouldSayTheLargestBodyWhenTheLoweredBudgetCannotHoldMaxBodyBytes()
    {
        final DirectMemoryFit fit = DirectMemoryFit.of(128L << 20, 64L << 20, DEFAULTS, 48L << 20, 24L << 20,
            MAX_BODY, MAX_HEADER);
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
        final DirectMemoryFit fit = DirectMemoryFit.of(128L << 20, 64L << 20, DEFAULTS, 128L << 20, 0, MAX_BODY,
            MAX_HEADER);
        assertTrue(fit.lowered() != null && !fit.lowered().contains("largest request body"), fit.lowered());
    }

    /**
     * -XX:MaxDirectMemorySize=40m: the total lowered to 3.3 MB, below a connection's 4 MiB; the connection's bound is
     * lowered with it, and a subscriber's 8 MiB and a high-water mark of 4 MiB (set so) too, the mark below the limit.
     * Before, the connection's bounds stayed above the total, a contradiction the settings are warned of.
     */
    @Test
    void shouldLowerAConnectionsBoundsWithTheTotalAndSaySo()
    {
        final DirectMemoryFit fit = DirectMemoryFit.of(128L << 20, 64L << 20, DEFAULTS, 40L << 20, 26L << 20,
            MAX_BODY, MAX_HEADER);
        final long total = fit.outboundTotalLimitBytes();
        assertTrue(total < 4 << 20, "total " + total);
        assertEquals(new DirectMemoryFit.Connection((int)total, 256 << 10, 1 << 20), fit.connection());
        assertTrue(fit.lowered().contains("lowered to " + total + " and " + fit.partialMessageBudgetBytes() + ", ") &&
            fit.lowered().contains("; a connection's bounds inside the total lowered with it: " +
                "PITGUN_GATEWAY_OUTBOUND_LIMIT_BYTES (4194304) to " + total + ";"), fit.lowered());

        final DirectMemoryFit raised = DirectMemoryFit.of(128L << 20, 64L << 20,
            new DirectMemoryFit.Connection(8 << 20, 4 << 20, 8 << 20), 40L << 20, 26L << 20, MAX_BODY, MAX_HEADER);
        assertEquals(new DirectMemoryFit.Connection((int)total, (int)total / 2, (int)total), raised.connection());
        assertTrue(raised.lowered().contains("lowered with it: PITGUN_GATEWAY_OUTBOUND_LIMIT_BYTES (8388608) to " +
            total + ", PITGUN_GATEWAY_OUTBOUND_HIGH_WATER_BYTES (4194304) to " + total / 2 +
            ", PITGUN_GATEWAY_SUBSCRIBER_BUFFER_BYTES (8388608) to " + total + ";"), raised.lowered());

        final DirectMemoryFit fits = DirectMemoryFit.of(128L << 20, 64L << 20, DEFAULTS, 1L << 30, 0, MAX_BODY,
            MAX_HEADER);
        assertEquals(DEFAULTS, fits.connection(), "kept when the total is kept");
    }

    @Test
    void shouldLeaveHalfATinyBudgetForTheBody()
    {
        assertEquals(1024, DirectMemoryFit.largestBodyBytes(2048, MAX_BODY, MAX_HEADER));
    }
}
