package io.pitgun.gateway;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A token's allow-lists as the ingest path checks them: a session pattern's masks agree with a prefix match on the
 * session id's text for random ids and prefixes of every length; channels by dictionary id; the check of a frame
 * allocates nothing.
 */
class TokenScopeTest
{
    private static final ParameterRegistry SIM = ParameterRegistry.simV1();

    @Test
    void shouldMatchSessionsAsAPrefixOfTheirTextWould()
    {
        final Random random = new Random(17);
        for (int i = 0; i < 20_000; i++)
        {
            final String pattern = UUID.randomUUID().toString();
            final int length = random.nextInt(37);
            final String prefix = pattern.substring(0, length);
            final String written = length == 36 && random.nextBoolean() ? prefix : prefix + "*";
            final TokenScope scope = scope(List.of(written), List.of());
            // Half the candidates share the prefix, so both answers are exercised at every length.
            final UUID candidate = random.nextBoolean() ? UUID.randomUUID() :
                UUID.fromString(prefix + UUID.randomUUID().toString().substring(length));
            assertEquals(candidate.toString().startsWith(prefix),
                scope.allowsSession(candidate.getMostSignificantBits(), candidate.getLeastSignificantBits()),
                written + " vs " + candidate);
        }
    }

    @Test
    void shouldTakeUpperCaseHexAndRefuseWhatIsNotAUuidPrefix()
    {
        final UUID session = UUID.fromString("0192f3a4-5b6c-7d8e-9f00-112233445566");
        assertTrue(scope(List.of("0192F3A4-5B*"), List.of()).allowsSession(session.getMostSignificantBits(),
            session.getLeastSignificantBits()));
        assertNull(TokenScope.sessionPatternProblem("*"));
        assertNotNull(TokenScope.sessionPatternProblem("team-a-*"));
        assertNotNull(TokenScope.sessionPatternProblem("0192f3a4"));       // not whole, and no '*'
        assertNotNull(TokenScope.sessionPatternProblem("0192f3a45*"));     // a digit where the dash goes
        assertNotNull(TokenScope.sessionPatternProblem("0192f3a4-5b6c-7d8e-9f00-1122334455667*"));
    }

    @Test
    void shouldAllowOnlyTheNamedChannelsAndRefuseOnesTheDictionaryLacks()
    {
        final TokenScope scope = scope(List.of(), List.of("Speed", "Gear"));
        assertTrue(scope.allowsChannel(SIM.byName("Speed").id()));
        assertTrue(scope.allowsChannel(SIM.byName("Gear").id()));
        assertTrue(!scope.allowsChannel(SIM.byName("Engine_RPM").id()));
        assertTrue(!scope.allowsChannel(65_535));
        assertTrue(scope.allowsSession(1, 2), "sessions not limited");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> scope(List.of(), List.of("Warp_Factor")));
        assertTrue(ex.getMessage().contains("channel 'Warp_Factor' is not in dictionary sim.v1"), ex.getMessage());
    }

    @Test
    void shouldCheckAFrameWithoutAllocating()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        final UnsafeBuffer frame = new UnsafeBuffer(HostileFrames.validFrame(1)); // session 53702b3e-..., ids 1 and 3
        final int[] offsets = {0};
        final TokenScope allowed = scope(List.of("53702b3e-*"), List.of("Engine_RPM", "Speed"));
        final TokenScope otherChannel = scope(List.of("53702b3e-*"), List.of("Speed"));
        final TokenScope otherSession = scope(List.of("0192f3a4-*"), List.of());
        assertEquals(TokenScope.ALLOWED, allowed.check(frame, offsets, 0, 1));
        assertEquals(RejectReason.CHANNEL_NOT_ALLOWED, TokenScope.reason(otherChannel.check(frame, offsets, 0, 1)));
        assertEquals(RejectReason.SESSION_NOT_ALLOWED, TokenScope.reason(otherSession.check(frame, offsets, 0, 1)));

        long sink = 0;
        for (int i = 0; i < 20_000; i++)
        {
            sink += allowed.check(frame, offsets, 0, 1) + otherChannel.check(frame, offsets, 0, 1);
        }
        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < 100_000; i++)
        {
            sink += allowed.check(frame, offsets, 0, 1) + otherChannel.check(frame, offsets, 0, 1);
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertTrue(allocated < 1024, "checks allocated " + allocated + " bytes (" + sink + ")");
    }

    private static TokenScope scope(final List<String> sessions, final List<String> channels)
    {
        return TokenScope.of(new AccessToken("t", new byte[32], Capability.ALL, 0, "", sessions, channels), SIM);
    }
}
