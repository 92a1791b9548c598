package io.pitgun.perf.wrk;

import io.pitgun.perf.loadgen.BareHttpServer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@link BareHttpServer} as a process of its own, so that {@link GatewayWrkMain} measures it like the gateway (its
 * own JVM, JIT and heap; nothing shared with the driver). Prints {@code listening on PORT} once bound and stops when
 * its standard input closes (the driver ends it by closing the pipe; nothing is left running if the driver dies).
 *
 * <p>Usage: {@code BareServerMain [IO_THREADS [MAX_BODY_BYTES [JOURNAL_DIRECTORY [decode]]]]}, by default one
 * event-loop thread (the gateway's default {@code IO_THREADS}), 16 MiB and no journal; with a journal directory the
 * server journals each body before answering, and with {@code decode} it decodes each body and journals its frames
 * instead ({@link BareHttpServer#start(int, int, java.nio.file.Path, boolean)}).
 */
public final class BareServerMain
{
    /** The largest body read unless the second argument says otherwise. */
    static final int DEFAULT_MAX_BODY_BYTES = 16 << 20;
    /** The fourth argument that makes the journaling server decode each body and journal its frames. */
    static final String DECODE = "decode";

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
        final int maxBodyBytes = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_MAX_BODY_BYTES;
        final Path journal = args.length > 2 ? Path.of(args[2]) : null;
        final boolean decode = args.length > 3 && args[3].equals(DECODE);
        try (BareHttpServer server = BareHttpServer.start(threads, maxBodyBytes, journal, decode))
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
