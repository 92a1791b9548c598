package io.pitgun.cli;

import com.sun.net.httpserver.HttpServer;
import io.pitgun.engine.PipelineCounter;
import io.pitgun.gateway.Capability;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.gateway.RejectReason;
import io.pitgun.gateway.TokenFile;
import io.pitgun.replay.ReplayTarget;
import io.pitgun.replay.WebSocketTransport;
import io.pitgun.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun replay} through the CLI entry point, into a real gateway. */
class ReplayCommandTest
{
    private static final int ROWS = 400;

    @TempDir
    Path dir;

    /**
     * The gateway goes away mid-run (stopped: its port refuses connections, as after a kill -9): the envelope in flight
     * is retried like a 503, then counted as refused, the rest of the file as not sent, and the run ends with its
     * summary and exit status 1 (before, the start-up message "is the gateway running?" and no summary).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldEndWithItsSummaryWhenTheGatewayGoesAwayMidRun() throws Exception
    {
        // 30 rows without samples at the end: skipped, so never "not sent" (they were counted so).
        final Path csv = session(30);
        final GatewayServer gateway = LoopbackGateway.start(dir.resolve("data"));
        final CompletableFuture<CliRun> replay;
        try
        {
            replay = CompletableFuture.supplyAsync(() -> CliRun.of("replay", "--input", csv.toString(), "--target",
                "127.0.0.1:" + gateway.address().getPort(), "--rate", "200", "--batch", "10", "--max-retries", "2"));
            Await.until("some frames journaled", () ->
                gateway.pipeline().counters().get(PipelineCounter.FRAMES_JOURNALED) >= 50);
        }
        finally
        {
            gateway.close();
        }
        final CliRun run = replay.get(50, TimeUnit.SECONDS);

        assertEquals(1, run.exitCode(), run.out() + run.err());
        final String out = run.out();
        final Matcher acked = Pattern.compile("acked: +(\\d+) envelopes, (\\d+) frames").matcher(out);
        assertTrue(acked.find(), out + run.err());
        final Matcher refused = Pattern.compile("no answer: connection failed +(\\d+) envelopes, (\\d+) frames")
            .matcher(out);
        assertTrue(refused.find(), out);
        final Matcher notSent = Pattern.compile("not sent: (\\d+) frames \\(stopped: no answer from the gateway " +
            "after 2 retries").matcher(out);
        assertTrue(notSent.find(), out);
        final long ackedFrames = Long.parseLong(acked.group(2));
        assertTrue(ackedFrames >= 40 && ackedFrames < ROWS, out);
        assertEquals(1, Long.parseLong(refused.group(1)), out);
        assertEquals(10, Long.parseLong(refused.group(2)), out);
        // Every row is accounted for: acknowledged, refused (the envelope in flight) or not sent.
        assertEquals(ROWS, ackedFrames + Long.parseLong(refused.group(2)) + Long.parseLong(notSent.group(1)), out);
        assertTrue(out.contains("retried:  "), out); // at least the 2 of the envelope in flight
        // What was acknowledged is in the journal (ack mode journaled).
        assertTrue(JournalExportCommandTest.readJournal(dir.resolve("data").resolve("journal")).size() >= ackedFrames);
    }

    /**
     * Over {@code --ws}, a gateway that goes away and comes back mid-run (stopped and started again on the same port
     * and journal) does not end the run: the socket is opened again and the envelope in flight sent again, same
     * {@code event_id}, as over HTTP. Every row is acknowledged, and journaled exactly once (the restarted gateway
     * restores its idempotency window). Before, the first failure over a WebSocket ended the run (exit 1).
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldOpenTheWebSocketAgainWhenTheGatewayComesBack() throws Exception
    {
        final Path csv = session(0);
        final Path data = dir.resolve("data");
        GatewayServer gateway = LoopbackGateway.start(data);
        final int port = gateway.address().getPort();
        final CompletableFuture<CliRun> replay = CompletableFuture.supplyAsync(() -> CliRun.of("replay", "--input",
            csv.toString(), "--target", "127.0.0.1:" + port, "--ws", "--rate", "400", "--batch", "10",
            "--max-retries", "20"));
        try
        {
            final GatewayServer first = gateway;
            Await.until("some frames journaled", () ->
                first.pipeline().counters().get(PipelineCounter.FRAMES_JOURNALED) >= 50);
            first.close();
            refuseOneConnection(port);
            gateway = LoopbackGateway.start(data, Map.of(GatewaySetting.BIND, "127.0.0.1:" + port));
            final CliRun run = replay.get(80, TimeUnit.SECONDS);

            assertEquals(0, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("acked:    40 envelopes, 400 frames"), run.out());
            assertTrue(run.out().contains("retried:  "), run.out());
        }
        finally
        {
            gateway.close();
        }
        assertEquals(ROWS, JournalExportCommandTest.readJournal(data.resolve("journal")).size());
    }

    /**
     * Ctrl-C (SIGINT) or SIGTERM stops a replay cleanly, the only way a {@code --loop} ends (docs/replay.md): the
     * summary is printed and the exit status is the summary's, 0 when every envelope sent was acknowledged. Before,
     * the summary came but the status was the JVM's 130 or 143, as for a replay that failed.
     */
    @ParameterizedTest
    @ValueSource(strings = { "INT", "TERM" })
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldEndALoopOnASignalWithTheSummarysExitStatus(final String signal) throws Exception
    {
        final Path csv = session(0);
        final Path output = dir.resolve("replay-" + signal + ".txt");
        try (GatewayServer gateway = LoopbackGateway.start(dir.resolve("data-" + signal)))
        {
            final Process replay = new ProcessBuilder(DocCommandsTest.pitgunProcess("replay", "--input",
                csv.toString(), "--target", "127.0.0.1:" + gateway.address().getPort(), "--loop", "--rate", "400",
                "--batch", "10")).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try
            {
                Await.until("a pass over the file and more journaled", Duration.ofSeconds(90), () ->
                    gateway.pipeline().counters().get(PipelineCounter.FRAMES_JOURNALED) >= ROWS + 50);
                assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(replay.pid())).start()
                    .waitFor());
                assertTrue(replay.waitFor(30, TimeUnit.SECONDS), "still running 30 s after SIG" + signal);
                final String out = Files.readString(output);
                assertEquals(0, replay.exitValue(), "exit status after SIG" + signal + ":\n" + out);
                assertTrue(out.contains("rejected: 0 envelopes"), out);
                final Matcher acked = Pattern.compile("acked: +\\d+ envelopes, (\\d+) frames").matcher(out);
                assertTrue(acked.find() && Long.parseLong(acked.group(1)) >= ROWS + 50, out);
            }
            finally
            {
                replay.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Nothing listens on the target at start: over {@code --ws} the replay says why it cannot open the socket (before,
     * "cannot open ws://...: null", the message of the client's connect failure, which has none).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldSayTheConnectionWasRefusedWhenNoGatewayListensAtStart() throws Exception
    {
        final Path csv = session(0);
        final int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = closed.getLocalPort(); // free once closed: a connection to it is refused
        }
        final CliRun run = CliRun.of("replay", "--input", csv.toString(), "--target", "127.0.0.1:" + port, "--ws");

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("cannot open ws://127.0.0.1:" + port), run.err());
        assertTrue(run.err().contains("(is the gateway running?"), run.err());
        assertFalse(run.err().contains("null"), run.err());
        assertTrue(run.err().contains("connection refused"), run.err());
    }

    /**
     * Holds {@code port} while the gateway is away until the replay has tried it once, and ends that connection at
     * once, as a port whose gateway is still starting would. Without it the restart is a race: two CI runs restarted
     * the gateway between two envelopes, the replay opened its socket again without noticing a thing, and nothing was
     * retried.
     */
    private static void refuseOneConnection(final int port) throws IOException
    {
        try (ServerSocket away = new ServerSocket())
        {
            away.setReuseAddress(true);
            away.setSoTimeout(30_000); // the replay has most of its 1 s run left: it tries long before this
            away.bind(new InetSocketAddress("127.0.0.1", port));
            away.accept().close();
        }
    }

    /**
     * A row whose channel cells are all empty has no sample (docs/replay.md), so it makes no frame: the envelope
     * schema wants at least one sample per frame. Before, it went out as {@code "samples":{}} and the gateway refused
     * its whole envelope (422), losing the six good frames batched with it.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldSkipRowsWithoutSamplesAndSayHowMany() throws Exception
    {
        final Path csv = dir.resolve("gaps.csv");
        final StringBuilder text = new StringBuilder("timestamp_us,Speed,Engine_RPM\n");
        for (int i = 0; i < 14; i++)
        {
            final long timestampUs = 1_775_908_800_000_000L + i * 10_000L;
            text.append(timestampUs).append(i == 3 || i == 10 ? ", ," : "," + (100 + i) + "," + (9_000 + i))
                .append('\n');
        }
        Files.writeString(csv, text);
        final Path data = dir.resolve("data");
        final CliRun run;
        try (GatewayServer gateway = LoopbackGateway.start(data))
        {
            run = CliRun.of("replay", "--input", csv.toString(), "--target",
                "127.0.0.1:" + gateway.address().getPort(), "--rate", "1000", "--batch", "7");
        }

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("acked:    2 envelopes, 12 frames"), run.out());
        assertTrue(run.out().contains("rejected: 0 envelopes"), run.out());
        assertTrue(run.out().contains("skipped:  2 rows without samples (lines 5, 12)"), run.out());
        assertEquals(12, JournalExportCommandTest.readJournal(data.resolve("journal")).size());
    }

    /**
     * A file none of whose rows has a sample is refused before anything is sent, also with --loop: the loop sent
     * nothing, unpaced and without end (431,592 rows skipped in 5 s at full CPU), and without --loop the run exited 0.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseAFileWithoutASampleRatherThanLoopOverIt() throws Exception
    {
        final Path csv = dir.resolve("empty.csv");
        Files.writeString(csv, "timestamp_us,Speed,Engine_RPM\n1775908800000000,,\n1775908800010000,,\n");
        try (GatewayServer gateway = LoopbackGateway.start(dir.resolve("data")))
        {
            for (final boolean loop : new boolean[] {false, true})
            {
                final CliRun run = loop ?
                    CliRun.of("replay", "--input", csv.toString(), "--target",
                        "127.0.0.1:" + gateway.address().getPort(), "--loop") :
                    CliRun.of("replay", "--input", csv.toString(), "--target",
                        "127.0.0.1:" + gateway.address().getPort());
                assertEquals(1, run.exitCode(), run.out() + run.err());
                assertTrue(run.err().contains(csv + ": no row has a sample (every channel cell is empty)"),
                    run.err());
            }
        }
    }

    /**
     * A CSV malformed after its first rows is refused before anything is sent, as docs/replay.md says of a malformed
     * CSV. Before, the rows before the bad one went out (here 400 frames, acknowledged and journaled, after a
     * {@code session.start} no {@code session.end} followed) and the run exited 1 with the CSV problem only, no
     * summary: it looked as if nothing had been sent, and a run again after fixing the line journaled them twice.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseACsvMalformedAfterItsFirstRowsBeforeSendingAnything() throws Exception
    {
        final Path csv = session(0);
        Files.writeString(csv, "1775908900000000,abc,9000\n", StandardOpenOption.APPEND);
        final Path data = dir.resolve("data");
        final CliRun run;
        try (GatewayServer gateway = LoopbackGateway.start(data))
        {
            run = CliRun.of("replay", "--input", csv.toString(), "--target",
                "127.0.0.1:" + gateway.address().getPort(), "--rate", "100000", "--batch", "10");
        }

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(csv + ":" + (ROWS + 2) + ": column Speed: 'abc' is not a number"), run.err());
        assertNothingJournaled(data);
    }

    /**
     * A number beyond a double ({@code 1e400}) is refused while reading, as any cell that is not a finite number is
     * (docs/replay.md). Before, it was sent as written, and the gateway refused its envelope (422 value_out_of_range),
     * the rows batched with it too.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldRefuseANumberBeyondADoubleWhileReading() throws Exception
    {
        final Path csv = dir.resolve("huge.csv");
        Files.writeString(csv, "timestamp_us,Speed\n1775908800000000,100\n1775908800010000,1e400\n");
        final Path data = dir.resolve("data");
        final CliRun run;
        try (GatewayServer gateway = LoopbackGateway.start(data))
        {
            run = CliRun.of("replay", "--input", csv.toString(), "--target",
                "127.0.0.1:" + gateway.address().getPort(), "--rate", "100000");
        }

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(csv + ":3: column Speed: '1e400' is not a finite decimal number"), run.err());
        assertNothingJournaled(data);
    }

    /** Neither a frame nor a session marker is in the journal of the gateway whose data directory is {@code data}. */
    private static void assertNothingJournaled(final Path data)
    {
        assertEquals(0, JournalExportCommandTest.readJournal(data.resolve("journal")).size());
        final CliRun dump = CliRun.of("journal", "dump", data.resolve("journal").toString());
        assertEquals(0, dump.exitCode(), dump.err());
        assertFalse(dump.out().contains("SessionStart"), dump.out());
    }

    /** A session of {@link #ROWS} rows at 100 Hz, then {@code emptyRows} rows without samples. */
    private Path session(final int emptyRows) throws IOException
    {
        final Path csv = dir.resolve("session.csv");
        final StringBuilder text = new StringBuilder("timestamp_us,Speed,Engine_RPM\n");
        for (int i = 0; i < ROWS; i++)
        {
            text.append(1_775_908_800_000_000L + i * 10_000L).append(',').append(100 + i % 50).append(',')
                .append(9_000 + i).append('\n');
        }
        for (int i = ROWS; i < ROWS + emptyRows; i++)
        {
            text.append(1_775_908_800_000_000L + i * 10_000L).append(",,\n");
        }
        Files.writeString(csv, text);
        return csv;
    }

    /** A problem of the header names the file and line too, as every CSV problem does (docs/replay.md). */
    @Test
    void shouldNameTheFileAndLineOfAHeaderProblem() throws Exception
    {
        final Path duplicate = dir.resolve("duplicate.csv");
        Files.writeString(duplicate, "\ntimestamp_us,Speed,SPEED\n1775908800000000,100,100\n");
        final Path raw = dir.resolve("raw-gear.csv");
        Files.writeString(raw, "timestamp_us,Gear[K]\n1775908800000000,3\n");

        final CliRun twice = CliRun.of("replay", "--input", duplicate.toString(), "--target", "127.0.0.1:9");
        final CliRun gear = CliRun.of("replay", "--input", raw.toString(), "--target", "127.0.0.1:9");

        assertEquals(1, twice.exitCode());
        assertTrue(twice.err().contains(duplicate + ":2: columns 'Speed' and 'SPEED' both map to Speed"),
            twice.err());
        assertEquals(1, gear.exitCode());
        assertTrue(gear.err().contains(raw + ":1: column 'Gear[K]': "), gear.err());
    }

    /** A {@code .gz} input that is not gzip is named. Before, the message was Java's "Not in GZIP format" alone. */
    @Test
    void shouldNameAGzInputThatIsNotGzip() throws Exception
    {
        final Path plain = dir.resolve("session.csv.gz");
        Files.writeString(plain, "timestamp_us,Speed\n1775908800000000,100\n");

        final CliRun run = CliRun.of("replay", "--input", plain.toString(), "--target", "127.0.0.1:9");

        assertEquals(1, run.exitCode());
        assertEquals("pitgun replay: " + plain + ": not a gzip file (a .gz input is read as gzip): Not in GZIP format",
            run.err().strip());
    }

    /**
     * A directory given as {@code --input} is named. Before, the replay said only "Is a directory", the message of
     * the read that failed, naming no file.
     */
    @Test
    void shouldNameAnInputThatIsADirectory() throws Exception
    {
        final Path folder = Files.createDirectories(dir.resolve("sessions"));

        final CliRun run = CliRun.of("replay", "--input", folder.toString(), "--target", "127.0.0.1:9");

        assertEquals(1, run.exitCode());
        assertEquals("pitgun replay: " + folder + ": is a directory, not a CSV file", run.err().strip());
    }

    /**
     * Options wrong in themselves are usage errors (exit 2, README): before, a batch out of range, a negative retry
     * count, a target not of the form host:port, a remote target without {@code --allow-remote} and an infinite
     * {@code --rate} exited 1, as a replay that failed does, without the usage.
     */
    @Test
    void shouldRefuseOptionsWrongInThemselvesAsUsageErrors() throws Exception
    {
        final String csv = session(0).toString();
        final Map<String, String[]> refusals = Map.of(
            "--batch must be in [1, 1024]", new String[] {"--batch", "2000"},
            "--max-retries must not be negative", new String[] {"--max-retries", "-1"},
            "expected host:port", new String[] {"--target", "foo::bar:x"},
            "needs --allow-remote", new String[] {"--target", "10.1.2.3:8080"},
            "--rate must be more than 0 frames per second, got Infinity", new String[] {"--rate", "Infinity"},
            "--timeout must be at least 1 second, got 0", new String[] {"--timeout", "0"});
        for (final Map.Entry<String, String[]> refusal : refusals.entrySet())
        {
            final CliRun run = CliRun.of("replay", "--input", csv, refusal.getValue()[0], refusal.getValue()[1]);

            assertEquals(CliErrorHandler.USAGE, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().startsWith("pitgun replay: ") && run.err().contains(refusal.getKey()), run.err());
            assertTrue(run.err().contains("Usage: pitgun replay"), run.err());
        }
    }

    /**
     * A gateway that answered and then hangs mid-run (a hung process, {@code kill -STOP}; here a socket that took the
     * session marker's answer and then reads nothing; over {@code --ws} one that takes messages and answers none after
     * the first): each try waits {@code --timeout}, and when the retries run out the envelope is counted under a
     * reason of its own, {@code no answer: timed out}, not under {@code connection failed}; the one retry reads "1
     * time". Before, it was filed as a failed connection, "1 times", and each try took 30 s.
     */
    @ParameterizedTest(name = "webSocket={0}")
    @ValueSource(booleans = { false, true })
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCountAGatewayThatStopsAnsweringMidRunAsTimedOut(final boolean webSocket) throws Exception
    {
        final Path csv = session(0);
        try (AutoCloseable hung = webSocket ? new ScriptedWebSocketServer((number, text) -> number == 0 ?
            ScriptedWebSocketServer.ack(text) : null, true) : new HungGateway(1))
        {
            final int port = hung instanceof HungGateway http ? http.port() : ((ScriptedWebSocketServer)hung).port();
            final long startNs = System.nanoTime();

            final CliRun run = CliRun.of(replayArgs(csv, port, webSocket, "--max-retries", "1", "--timeout", "1"));

            final long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs);
            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(Pattern.compile("no answer: timed out +1 envelopes, 10 frames").matcher(run.out()).find(),
                run.out());
            assertFalse(run.out().contains("connection failed"), run.out());
            assertTrue(run.out().contains("retried:  1 time after"), run.out());
            assertTrue(seconds < 20, "two tries of 1 s and a 1 s pause took " + seconds + " s");
        }
    }

    /**
     * A listener that takes the connection and never answers the replay's first envelope (a gateway hung from the
     * start, or another program on the port), over HTTP and over {@code --ws} (the socket opens, its first message
     * goes unanswered), ends the run as a connection not made does, within {@code --timeout}, naming the timeout
     * (docs/replay.md: at start, before the gateway's first answer). Before, the try was retried
     * {@code --max-retries} times, {@code --timeout} each: with the defaults about 11 minutes.
     */
    @ParameterizedTest(name = "webSocket={0}")
    @ValueSource(booleans = { false, true })
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldEndARunWhoseFirstEnvelopeIsNeverAnsweredLikeAFailedConnection(final boolean webSocket)
        throws Exception
    {
        final Path csv = session(0);
        try (AutoCloseable hung = webSocket ? new ScriptedWebSocketServer((number, text) -> null, true) :
            new HungGateway())
        {
            final int port = hung instanceof HungGateway http ? http.port() : ((ScriptedWebSocketServer)hung).port();

            final CliRun run = replayWithin(Duration.ofSeconds(8), csv, port, webSocket);

            assertEquals(1, run.exitCode(), run.out() + run.err());
            final String uri = webSocket ? "ws://127.0.0.1:" + port + "/ws" : "http://127.0.0.1:" + port + "/beacon";
            assertTrue(run.err().contains("no answer from " + uri + " within 1 s (is the gateway running?"),
                run.err());
        }
    }

    /**
     * SIGTERM while the replay waits for the answer of a gateway that hangs still ends with the summary, once the try
     * in flight has waited its {@code --timeout} (docs/replay.md: the summary printed, the status its rule). Before,
     * the signal waited 10 s for the stop, whatever {@code --timeout}: with a longer one (the default 30 s) the run
     * exited 1 after 10 s without a summary.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldPrintTheSummaryWhenStoppedWhileAHungGatewayHoldsTheTryInFlight() throws Exception
    {
        final Path csv = session(0);
        final Path output = dir.resolve("replay-hung.txt");
        try (HungGateway hung = new HungGateway(1))
        {
            final Process replay = new ProcessBuilder(DocCommandsTest.pitgunProcess("replay", "--input",
                csv.toString(), "--target", "127.0.0.1:" + hung.port(), "--max-retries", "0", "--timeout", "15"))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try
            {
                Await.until("the first frames sent", Duration.ofSeconds(30),
                    () -> hung.answersSpent() && hung.received());
                assertEquals(0, new ProcessBuilder("kill", "-TERM", String.valueOf(replay.pid())).start().waitFor());
                assertTrue(replay.waitFor(45, TimeUnit.SECONDS), "still running 45 s after SIGTERM");
                final String out = Files.readString(output);
                assertEquals(1, replay.exitValue(), out);
                assertTrue(Pattern.compile("no answer: timed out +1 envelopes, 10 frames").matcher(out).find(),
                    "the summary:\n" + out);
            }
            finally
            {
                replay.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * A gateway that takes connections and never answers (a hung process, {@code kill -STOP}), or that answers its
     * first requests with the gateway's acknowledgement and then hangs (a gateway that hangs mid-run).
     */
    private static final class HungGateway implements AutoCloseable
    {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        /** Requests still to be answered before the gateway hangs. */
        private final AtomicInteger answersLeft;

        HungGateway() throws IOException
        {
            this(0);
        }

        /** @param answers how many {@code POST /beacon} requests are acknowledged before the gateway hangs. */
        HungGateway(final int answers) throws IOException
        {
            answersLeft = new AtomicInteger(answers);
            final Thread acceptor = new Thread(() ->
            {
                try
                {
                    while (true)
                    {
                        final Socket socket = server.accept();
                        held.add(socket); // held open, never read or answered once the answers are spent
                        if (answersLeft.get() > 0)
                        {
                            final Thread answering = new Thread(() -> answer(socket), "hung-gateway-answers");
                            answering.setDaemon(true);
                            answering.start();
                        }
                    }
                }
                catch (final IOException closed)
                {
                    // the test is over
                }
            }, "hung-gateway");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        /** Acknowledges requests on {@code socket} (headers, then a Content-Length body) while answers are left. */
        private void answer(final Socket socket)
        {
            try
            {
                final java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
                while (answersLeft.getAndDecrement() > 0)
                {
                    final StringBuilder headers = new StringBuilder();
                    while (!headers.toString().endsWith("\r\n\r\n"))
                    {
                        headers.append((char)in.readUnsignedByte());
                    }
                    final Matcher length = Pattern.compile("(?im)^Content-Length:\\s*(\\d+)").matcher(headers);
                    in.readFully(new byte[length.find() ? Integer.parseInt(length.group(1)) : 0]);
                    final byte[] ack = "{\"status\":\"accepted\",\"envelopes\":1,\"envelopes_accepted\":1}"
                        .getBytes(StandardCharsets.US_ASCII);
                    final OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: " +
                        ack.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(ack);
                    out.flush();
                }
            }
            catch (final IOException closed)
            {
                // the client went, or the test is over
            }
        }

        int port()
        {
            return server.getLocalPort();
        }

        /** Whether the gateway answered every request it was to answer, and reads nothing more. */
        boolean answersSpent()
        {
            return answersLeft.get() < 0;
        }

        /** Whether a request's bytes wait, unread, on a connection it took. */
        boolean received() throws IOException
        {
            for (final Socket socket : held)
            {
                if (socket.getInputStream().available() > 0)
                {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException
        {
            server.close();
            for (final Socket socket : held)
            {
                socket.close();
            }
        }
    }

    /**
     * A connection not made within {@code --timeout} (here to a port whose accept queue is full: the kernel drops the
     * connection's SYN, as a host that drops packets does) ends a replay that has not reached its gateway yet, as a
     * refused one does, within that timeout: over HTTP and over {@code --ws}. Before, the connection waited a fixed
     * 5 s whatever {@code --timeout} said (and the WebSocket's opening 10 s), and over HTTP the timed-out connection
     * was then retried {@code --max-retries} times.
     */
    @ParameterizedTest(name = "webSocket={0}")
    @ValueSource(booleans = { false, true })
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldGiveUpAConnectionNotMadeWithinTheTimeout(final boolean webSocket) throws Exception
    {
        final Path csv = session(0);
        final List<Socket> held = new ArrayList<>();
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            fillAcceptQueue(full, held);
            final String uri = (webSocket ? "ws://127.0.0.1:" + full.getLocalPort() + "/ws" :
                "http://127.0.0.1:" + full.getLocalPort() + "/beacon");

            final CliRun run = replayWithin(Duration.ofSeconds(4), csv, full.getLocalPort(), webSocket);

            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("cannot " + (webSocket ? "open " : "connect to ") + uri + " within 1 s " +
                "(is the gateway running?"), run.err());
        }
        finally
        {
            for (final Socket socket : held)
            {
                socket.close();
            }
        }
    }

    /**
     * Over {@code --ws}, a listener that takes the connection and never answers the upgrade (a hung gateway) ends a
     * replay that has not reached its gateway yet within {@code --timeout}, naming the socket it could not open.
     * Before, the opening waited a fixed 10 s.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldGiveUpAWebSocketNotOpenedWithinTheTimeout() throws Exception
    {
        final Path csv = session(0);
        try (HungGateway hung = new HungGateway())
        {
            final CliRun run = replayWithin(Duration.ofSeconds(4), csv, hung.port(), true);

            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("cannot open ws://127.0.0.1:" + hung.port() + "/ws within 1 s"),
                run.err());
        }
    }

    /**
     * {@code pitgun replay --timeout 1} to {@code port}, with the retries of the default; fails unless it ends within
     * {@code bound} (a functional bound: the connection's timeout is 1 s).
     */
    private static CliRun replayWithin(final Duration bound, final Path csv, final int port, final boolean webSocket)
        throws Exception
    {
        final List<String> args = List.of(replayArgs(csv, port, webSocket, "--timeout", "1"));
        final CompletableFuture<CliRun> replay = CompletableFuture.supplyAsync(() ->
            CliRun.of(args.toArray(new String[0])));
        try
        {
            return replay.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw new AssertionError("pitgun " + String.join(" ", args) + " still running after " + bound, ex);
        }
    }

    /** {@code replay --input csv --target 127.0.0.1:port [--ws]} and {@code more}. */
    private static String[] replayArgs(final Path csv, final int port, final boolean webSocket, final String... more)
    {
        final List<String> args = new ArrayList<>(List.of("replay", "--input", csv.toString(), "--target",
            "127.0.0.1:" + port));
        if (webSocket)
        {
            args.add("--ws");
        }
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    /**
     * Connects to {@code listener}, which never accepts, until its accept queue is full: the next connection's SYN is
     * dropped by the kernel, and a connection to it waits. The connections are added to {@code held}.
     */
    private static void fillAcceptQueue(final ServerSocket listener, final List<Socket> held) throws IOException
    {
        for (int i = 0; i < 64; i++)
        {
            final Socket socket = new Socket();
            try
            {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), 300);
                held.add(socket);
            }
            catch (final SocketTimeoutException full)
            {
                socket.close();
                return;
            }
        }
        throw new AssertionError("the accept queue of a listener with backlog 1 took 64 connections");
    }

    /**
     * A gateway that refuses this client (401 for a token it does not know, 403 for one without {@code ingest})
     * would refuse every envelope the same way: the replay stops at the first refusal, says why and how much was not
     * sent, and exits 1 (docs/replay.md). Over {@code --ws} the refusal is the WebSocket upgrade's, and reads the
     * same. Before, it sent the whole file over HTTP, every envelope refused, and the gateway counted 42 refusals of
     * a 400-row file instead of one; over {@code --ws} it said "cannot open ws://... (is the gateway running?
     * ...): WebSocketHandshakeException", the status named nowhere.
     */
    @ParameterizedTest(name = "{0}, webSocket={1}")
    @CsvSource({ "unknown token,false", "token without ingest,false", "unknown token,true",
        "token without ingest,true" })
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldStopAtTheFirstRefusalOfItsToken(final String token, final boolean webSocket) throws Exception
    {
        final Path csv = session(0);
        final Path tokens = dir.resolve("tokens.json");
        final String subscriber = TokenFile.add(tokens, "viewer", EnumSet.of(Capability.SUBSCRIBE), 0);
        TokenFile.add(tokens, "replay", EnumSet.of(Capability.INGEST), 0);
        final boolean unknown = token.equals("unknown token");
        final int status = unknown ? 401 : 403;
        final String reason = unknown ? "unauthenticated" : "missing_capability";
        final Path output = dir.resolve("replay.txt");
        try (GatewayServer gateway = LoopbackGateway.start(dir.resolve("data"),
            Map.of(GatewaySetting.TOKENS_FILE, tokens.toString())))
        {
            final List<String> args = new ArrayList<>(List.of("replay", "--input", csv.toString(), "--target",
                "127.0.0.1:" + gateway.address().getPort(), "--rate", "100000"));
            if (webSocket)
            {
                args.add("--ws");
            }
            final ProcessBuilder builder = new ProcessBuilder(DocCommandsTest.pitgunProcess(args.toArray(
                new String[0]))).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put(ReplayCommand.TOKEN_ENV,
                unknown ? subscriber.substring(0, subscriber.indexOf('.') + 1) + "wrong" : subscriber);
            final Process replay = builder.start();
            try
            {
                assertTrue(replay.waitFor(60, TimeUnit.SECONDS), "still running after 60 s");
            }
            finally
            {
                replay.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            final String out = Files.readString(output);

            assertEquals(1, replay.exitValue(), out);
            final RejectReason refusal = unknown ? RejectReason.UNAUTHENTICATED : RejectReason.MISSING_CAPABILITY;
            assertEquals(1, gateway.counters().rejections(refusal), out);
            assertTrue(out.contains("rejected: 1 envelopes"), out);
            assertTrue(Pattern.compile(status + " " + reason + " \\(session marker\\) +1 envelopes, 0 frames")
                .matcher(out).find(), out);
            assertTrue(out.contains("not sent: " + ROWS + " frames (stopped: refused: " + status + " " + reason +
                " — "), out);
            assertTrue(out.contains("pitgun replay: stopped: refused: " + status + " " + reason), out);
        }
        assertEquals(0, JournalExportCommandTest.readJournal(dir.resolve("data").resolve("journal")).size());
    }

    /**
     * Another server on the port that answers 200 to everything does not pass a replay: a 2xx whose body is not the
     * gateway's acknowledgement is counted as refused under its own reason, and the replay exits 1 (docs/replay.md).
     * Before, every envelope counted as acknowledged, and the replay exited 0.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldNotCountAnAnswerThatIsNotAnAcknowledgementAsOne() throws Exception
    {
        final Path csv = session(0);
        final AtomicInteger requests = new AtomicInteger();
        final HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        other.createContext("/", exchange ->
        {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            final byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, ok.length);
            try (OutputStream body = exchange.getResponseBody())
            {
                body.write(ok);
            }
        });
        other.start();
        final CliRun run;
        try
        {
            run = CliRun.of("replay", "--input", csv.toString(), "--target",
                "127.0.0.1:" + other.getAddress().getPort(), "--rate", "100000", "--batch", "10");
        }
        finally
        {
            other.stop(0);
        }

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("acked:    0 envelopes, 0 frames"), run.out());
        assertTrue(run.out().contains("rejected: 42 envelopes"), run.out());
        assertTrue(Pattern.compile("200 not an acknowledgement +40 envelopes, 400 frames").matcher(run.out()).find(),
            run.out());
        assertTrue(Pattern.compile("200 not an acknowledgement \\(session marker\\) +2 envelopes, 0 frames")
            .matcher(run.out()).find(), run.out());
        assertEquals(42, requests.get());
    }

    /**
     * Over {@code --ws}, a message that is neither the gateway's {@code ack} nor a {@code nack} (another server's
     * text, a binary message) is counted as the HTTP one is, refused under {@code 101 not an acknowledgement} (101:
     * the socket's own status, the only one there is), and the replay exits 1 (docs/replay.md). Before, a text was
     * counted under {@code 500 {"hello":1}} and a binary message was not taken for an answer at all.
     */
    @ParameterizedTest(name = "binary={0}")
    @ValueSource(booleans = { false, true })
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldNotCountAWebSocketMessageThatIsNotAnAcknowledgementAsOne(final boolean binary) throws Exception
    {
        final Path csv = session(0);
        final CliRun run;
        try (ScriptedWebSocketServer other = new ScriptedWebSocketServer((number, text) -> binary ?
            ScriptedWebSocketServer.binary(new byte[] { 1, 2, 3 }) : ScriptedWebSocketServer.text("{\"hello\":1}"),
            true))
        {
            run = CliRun.of(replayArgs(csv, other.port(), true, "--rate", "100000", "--batch", "10", "--timeout",
                "2", "--max-retries", "0"));
        }

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("acked:    0 envelopes, 0 frames"), run.out());
        assertTrue(run.out().contains("rejected: 42 envelopes"), run.out());
        assertTrue(Pattern.compile("101 not an acknowledgement +40 envelopes, 400 frames").matcher(run.out()).find(),
            run.out());
        assertTrue(Pattern.compile("101 not an acknowledgement \\(session marker\\) +2 envelopes, 0 frames")
            .matcher(run.out()).find(), run.out());
    }

    /**
     * Over {@code --ws}, an endpoint that never answers the replay's close: the replay's end does not wait for the
     * answer (the JDK's close completes once the close is sent; that wait is bounded by {@code --timeout}). A guard:
     * this passed before the bound too, when the wait for the sending was a fixed 5 s.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldNotWaitForTheAnswerToTheWebSocketsClose() throws Exception
    {
        final Path csv = session(0);
        try (ScriptedWebSocketServer unclosing = new ScriptedWebSocketServer((number, text) ->
            ScriptedWebSocketServer.ack(text), false))
        {
            final CliRun run = CliRun.of(replayArgs(csv, unclosing.port(), true, "--rate", "100000", "--timeout",
                "1"));

            final long endedNs = System.nanoTime();
            assertEquals(0, run.exitCode(), run.out() + run.err());
            Await.until("the close received", () -> unclosing.closeReceivedNanos() > 0);
            final long waitedMs = TimeUnit.NANOSECONDS.toMillis(endedNs - unclosing.closeReceivedNanos());
            assertTrue(waitedMs < 3_000, "the replay ended " + waitedMs + " ms after its close, with --timeout 1");
        }
    }

    /**
     * Over {@code --ws}, one try of an envelope waits one {@code --timeout} for the send and the answer together
     * (docs/replay.md), here with an endpoint that reads a big envelope slowly (the send blocks for most of the
     * timeout) and then never answers. Before, the send waited up to {@code --timeout} and the answer another
     * whole one: the try took about 2.5 + 3 s here. Through the transport: the replay's envelopes (at most 1 MiB)
     * fit in loopback's socket buffers, a bigger message does not.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldBoundOneWebSocketTryBySendAndAnswerTogether() throws Exception
    {
        try (ScriptedWebSocketServer slow = new ScriptedWebSocketServer((number, text) -> null, true, 0,
            Duration.ofMillis(2_500)))
        {
            final WebSocketTransport transport = WebSocketTransport.connect(new ReplayTarget("127.0.0.1",
                slow.port()), null, Duration.ofSeconds(3));
            final String event = "{\"event_id\":\"e\",\"pad\":\"" + "x".repeat(32 << 20) + "\"}";
            final long startNs = System.nanoTime();
            try
            {
                transport.send("e", event);
                throw new AssertionError("answered");
            }
            catch (final java.net.http.HttpTimeoutException expected)
            {
                final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                assertTrue(tookMs >= 2_900 && tookMs < 4_500, "the try took " + tookMs + " ms with a 3 s timeout");
            }
            finally
            {
                transport.close();
            }
        }
    }
}
