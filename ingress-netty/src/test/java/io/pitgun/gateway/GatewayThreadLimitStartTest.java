package io.pitgun.gateway;

import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start that cannot make an event loop's thread, as under {@code ulimit -u} (the JVM's
 * {@code OutOfMemoryError: unable to create native thread} when the I/O loop starts in the constructor): the error
 * reaches the caller, and everything started before it is stopped: no gateway or pipeline thread is left, and the
 * data directory takes the next gateway. Before, the constructor closed what it started only for a
 * {@link RuntimeException}: the accepting loop's thread (not a daemon) stayed, and with it a JVM that never listened
 * and, without a thread to spare for the signal, could be stopped only by SIGKILL.
 */
class GatewayThreadLimitStartTest
{
    @TempDir
    Path dataDir;

    @Test
    @Timeout(60)
    void shouldStopWhatItStartedWhenAnEventLoopThreadCannotBeMade() throws Exception
    {
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        flags.put(GatewaySetting.DATA_DIR, dataDir.toString());
        // The default, one I/O loop: the constructor starts it to bind the ring's producer, where the limit hit.
        final GatewayConfig config = GatewayConfig.resolve(Map.of(), flags);
        final UnaryOperator<ThreadFactory> noIoThread = factory -> runnable ->
        {
            final Thread thread = factory.newThread(runnable);
            if (thread.getName().startsWith("pitgun-gateway-io-"))
            {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/" +
                    "resource limits reached (injected)");
            }
            return thread;
        };

        final List<Thread> before = gatewayThreads(); // another test's, if it left any: not this start's
        final OutOfMemoryError error = assertThrows(OutOfMemoryError.class,
            () -> GatewayServer.start(config, null, noIoThread));
        assertTrue(error.getMessage().contains("(injected)"), error.toString());

        Await.until("every thread the failed start made has stopped", () -> before.containsAll(gatewayThreads()));
        try (GatewayServer next = GatewayServer.start(config))
        {
            assertEquals("127.0.0.1", next.address().getAddress().getHostAddress());
        }
    }

    /** Live threads of a gateway: its loops and its pipeline's stages (all named pitgun-gateway-*). */
    private static List<Thread> gatewayThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.isAlive() && thread.getName().startsWith("pitgun-gateway-")).toList();
    }
}
