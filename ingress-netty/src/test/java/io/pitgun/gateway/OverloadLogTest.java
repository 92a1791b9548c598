package io.pitgun.gateway;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection's failure for want of direct memory is counted as {@code direct_memory_exhausted} (and logged at the
 * overload log's rate), however it is wrapped; a heap's {@code OutOfMemoryError} is not that, and goes on to the
 * handler's error path, named as what it is.
 */
class OverloadLogTest
{
    @Test
    void shouldTakeOnlyDirectMemoryExhaustionForItsOwn()
    {
        final GatewayCounters counters = new GatewayCounters();
        final OverloadLog log = new OverloadLog(counters);

        assertTrue(log.directMemoryExhausted(new DecoderException(new OutOfMemoryError(
            "Cannot reserve 65536 bytes of direct buffer memory (allocated: 134176968, limit: 134217728)")), "a"));
        assertTrue(log.directMemoryExhausted(new OutOfMemoryError("Direct buffer memory"), "b"));
        assertFalse(log.directMemoryExhausted(new OutOfMemoryError("Java heap space"), "c"));
        assertFalse(log.directMemoryExhausted(new java.io.IOException("Connection reset by peer"), "d"));

        assertEquals(2, counters.rejections(RejectReason.DIRECT_MEMORY_EXHAUSTED));
    }

    /**
     * A connection's unexpected failure (a bug) is logged in a window of its own: before, it took
     * {@code internal_error}'s, and a 500 written within the next 10 s was only counted as suppressed.
     */
    @Test
    void shouldNotLetAConnectionsBugHideAnInternalError()
    {
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        final Logger logger = (Logger)LoggerFactory.getLogger(OverloadLog.class);
        logged.start();
        logger.addAppender(logged);
        try
        {
            final GatewayCounters counters = new GatewayCounters();
            final OverloadLog log = new OverloadLog(counters);
            assertFalse(log.connectionFailed(new IllegalStateException("a bug"), "c1"));
            log.warn(RejectReason.INTERNAL_ERROR, "answered 500");

            assertEquals(2, logged.list.size(), logged.list.toString());
            assertTrue(logged.list.get(0).getFormattedMessage().startsWith("overload (connection_error): closed " +
                "connection c1: unexpected java.lang.IllegalStateException: a bug"), logged.list.toString());
            assertTrue(logged.list.get(1).getFormattedMessage().startsWith("overload (internal_error): answered 500"),
                logged.list.toString());
            assertEquals(0, counters.overloadWarningsSuppressed.sum());
        }
        finally
        {
            logger.detachAppender(logged);
        }
    }
}
