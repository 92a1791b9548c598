package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A shutdown step that throws does not skip the ones after it (the pipeline's drain, the journal, the lock). */
class CloseSequenceTest
{
    @Test
    void shouldRunEveryStepWhateverTheOnesBeforeDid()
    {
        final List<String> ran = new ArrayList<>();
        final CloseSequence close = new CloseSequence(LoggerFactory.getLogger(CloseSequenceTest.class));
        close.step("the tail reader", () ->
        {
            ran.add("tail reader");
            throw new IllegalStateException("already closed");
        });
        close.step("the UDP source", () ->
        {
            ran.add("udp");
            throw new java.io.UncheckedIOException(new java.io.IOException("socket gone"));
        });
        close.step("the pipeline", () -> ran.add("pipeline"));
        close.step("the audit log", () -> ran.add("audit log"));

        assertEquals(List.of("tail reader", "udp", "pipeline", "audit log"), ran);
        assertEquals(2, close.failures());
    }
}
