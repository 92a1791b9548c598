package io.pitgun.gateway;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What counts as an IP literal: only those are parsed (with {@code InetAddress}); anything else is kept as text,
 * because the JDK sends a malformed dotted name such as {@code 999.1.1.8} to DNS, and a client's {@code Host} or
 * {@code X-Forwarded-For} must never make an event loop wait for a name server.
 */
class ClientAddressesTest
{
    @Test
    void shouldTakeOnlyFourNumbersUpTo255ForAnIpv4Literal()
    {
        for (final String literal : new String[] {"1.2.3.4", "127.0.0.1", "255.255.255.255", "0.0.0.0", "10.01.2.3"})
        {
            assertTrue(ClientAddresses.isIpLiteral(literal), literal);
        }
        for (final String name : new String[] {"999.1.1.8", "256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3",
            "1.2.3.", "1234.1.1.1", "1.2.3.4a", "evil.example", ""})
        {
            assertFalse(ClientAddresses.isIpLiteral(name), name);
            assertEquals(name, ClientAddresses.canonical(name), "kept as text, never resolved: " + name);
        }
    }

    @Test
    void shouldWriteEachAddressOneWayAndEveryLoopbackAddressAsOneIdentity()
    {
        assertEquals("0:0:0:0:0:0:0:1", ClientAddresses.canonical("[::1]"));
        assertEquals("10.0.0.1", ClientAddresses.canonical("::ffff:10.0.0.1"));
        assertEquals(ClientAddresses.LOOPBACK, ClientAddresses.identity("127.0.0.7"));
        assertEquals(ClientAddresses.LOOPBACK, ClientAddresses.identity("::1"));
        assertEquals("10.0.0.1", ClientAddresses.identity("10.0.0.1"));
        assertEquals("producer", ClientAddresses.identity("producer"));
    }
}
