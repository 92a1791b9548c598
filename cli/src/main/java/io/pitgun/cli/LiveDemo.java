package io.pitgun.cli;

import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.replay.sim.SessionGenerator;
import io.pitgun.replay.sim.SimulatedSessionFeed;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code pitgun demo --live}: an embedded gateway on loopback, the car simulator driving laps into it in real time
 * through its ordinary ingest ({@code POST /beacon}), and the URL of the live page it serves (docs/live.md). Runs
 * until SIGINT or SIGTERM, which stop the simulator and drain the gateway, and exits 0; exits 1 if the simulator's
 * envelopes are refused.
 */
final class LiveDemo
{
    /** Samples per envelope: 100 ms of the simulator's 100 Hz, so the page sees the car move smoothly. */
    static final int FRAMES_PER_ENVELOPE = 10;

    private final PrintWriter out;
    private final PrintWriter err;

    LiveDemo(final PrintWriter out, final PrintWriter err)
    {
        this.out = out;
        this.err = err;
    }

    int run(final GatewayConfig config, final Path dir, final boolean created) throws Exception
    {
        final GatewayServer server = GatewayServer.start(config);
        final String base = "http://127.0.0.1:" + server.address().getPort();
        final SimulatedSessionFeed feed = new SimulatedSessionFeed(URI.create(base), UUID.randomUUID(),
            SessionGenerator.SAMPLE_SEED, TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis()), null,
            FRAMES_PER_ENVELOPE);
        final AtomicBoolean stopping = new AtomicBoolean();
        final CompletableFuture<Integer> outcome = new CompletableFuture<>();
        final Thread driver = new Thread(() ->
        {
            try
            {
                feed.run(Integer.MAX_VALUE, true, stopping::get);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            catch (final Exception ex)
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

        out.println("pitgun demo --live: the car simulator drives laps of a Monza-like circuit into the gateway at " +
            "100 Hz (session " + feed.sessionId() + ")");
        out.println("  data directory: " + dir + (created ? " (remove it when done)" : ""));
        out.println("  live page: " + base + "/live");
        out.println("  Ctrl-C stops it");
        out.flush();

        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            // The simulator first (it would only be refused by a draining gateway), then the gateway's drain, which
            // ends the open lap and session.
            stopping.set(true);
            driver.interrupt();
            try
            {
                driver.join(TimeUnit.SECONDS.toMillis(5));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            server.shutdown();
            stopped.countDown();
        }, "pitgun-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        SignalExit.install(stopped);
        driver.start();
        final int status = outcome.get();
        Runtime.getRuntime().removeShutdownHook(hook);
        hook.run();
        return status;
    }
}
