package io.pitgun.perf.wrk;

import io.pitgun.perf.loadgen.BareHttpServer;

import java.io.IOException;

/**
 * {@link BareHttpServer} as a process of its own, so that {@link GatewayWrkMain} measures it like the gateway (its
 * own JVM, JIT and heap; nothing shared with the driver). Prints {@code listening on PORT} once bound and stops when
 * its standard input closes (the driver ends it by closing the pipe; nothing is left running if the driver dies).
 *
 * <p>Usage: {@code BareServerMain [IO_THREADS [MAX_BODY_BYTES]]}, by default one event-loop thread (the
 * gateway's default {@code IO_THREADS}) and 16 MiB.
 */
public final class BareServerMain
{
    private BareServerMain()
    {
    }

    /**
     * Runs the server until standard input closes.
     *
     * @param args optional event-loop threads and largest body.
     * @throws Exception when the server cannot bind.
     */
    public static void main(final String[] args) throws Exception
    {
        final int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        final int maxBodyBytes = args.length > 1 ? Integer.parseInt(args[1]) : 16 << 20;
        try (BareHttpServer server = BareHttpServer.start(threads, maxBodyBytes))
        {
            System.out.println("listening on " + server.address().getPort());
            System.out.flush();
            drain();
        }
    }

    private static void drain() throws IOException
    {
        final byte[] scratch = new byte[256];
        while (System.in.read(scratch) >= 0)
        {
            // Nothing is expected on standard input: only its end matters.
        }
    }
}
