package io.pitgun.cli;

import io.pitgun.gateway.GatewayServer;
import io.pitgun.replay.f1.F1SessionPackets;
import io.pitgun.replay.f1.F1UdpSimulator;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code pitgun demo --live}: an embedded gateway on loopback with the F1 game's UDP source, the F1 UDP simulator
 * ({@code pitgun f1-udp-sim}) sending a session into that source in real time as the game would, and the URL of the
 * live page the gateway serves (docs/live.md). Runs until SIGINT or SIGTERM, which stop the simulator and drain the
 * gateway, and exits 0; exits 1 if the simulator cannot send.
 */
final class LiveDemo
{
    /** Cars on track: the player's car is the one the gateway decodes, the others make the session a race. */
    static final int CARS = 3;
    /** Session length in seconds: longer than anyone watches (a day); Ctrl-C ends it. */
    static final double DURATION_S = 24 * 3600;
    /** The simulator's seed: also the session's sessionUID. */
    static final long SEED = 2025;

    private final PrintWriter out;
    private final PrintWriter err;

    LiveDemo(final PrintWriter out, final PrintWriter err)
    {
        this.out = out;
        this.err = err;
    }

    /** Runs the demo on {@code server}, started with its UDP source; stops it before returning. */
    int run(final GatewayServer server, final Path dir, final boolean created) throws Exception
    {
        final String base = "http://127.0.0.1:" + server.address().getPort();
        final String udp = "127.0.0.1:" + server.udpAddress().orElseThrow().getPort();
        final F1UdpSimulator simulator = new F1UdpSimulator(server.udpAddress().orElseThrow(), SEED, CARS,
            DURATION_S);
        final AtomicBoolean stopping = new AtomicBoolean();
        final CompletableFuture<Integer> outcome = new CompletableFuture<>();
        final Thread driver = new Thread(() ->
        {
            try
            {
                simulator.run(stopping::get);
            }
            catch (final RuntimeException ex)
            {
                if (!stopping.get())
                {
                    err.println("pitgun demo --live: the simulator stopped: " + ex.getMessage());
                    err.flush();
                    outcome.complete(CliErrorHandler.FAILED);
                }
            }
        }, "pitgun-demo-simulator");
        driver.setDaemon(true);

        out.println("pitgun demo --live: the F1 UDP simulator sends " + CARS + " cars on a Monza-like circuit to the " +
            "gateway's UDP source " + udp + " at " + F1SessionPackets.TICK_HZ + " Hz (sessionUID " +
            Long.toUnsignedString(simulator.sessionUid()) + ")");
        out.println("  data directory: " + dir + (created ? " (remove it when done)" : ""));
        out.println("  live page: " + base + "/live");
        out.println("  Ctrl-C stops it");
        out.flush();

        final Thread hook = SignalExit.install("pitgun-demo-shutdown", () ->
        {
            // The simulator first, then the gateway's drain, which ends the open lap and session.
            stopping.set(true);
            try
            {
                driver.join(TimeUnit.SECONDS.toMillis(5));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            server.shutdown();
            return 0;
        });
        driver.start();
        final int status = outcome.get();
        Runtime.getRuntime().removeShutdownHook(hook);
        hook.run();
        return status;
    }
}
