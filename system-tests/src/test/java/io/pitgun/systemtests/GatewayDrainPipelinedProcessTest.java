package io.pitgun.systemtests;

import io.pitgun.testsupport.JournaledFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client pipelining {@code POST /beacon} on one keep-alive connection while the gateway process gets SIGTERM
 * (docs/gateway.md, Shutdown): each request is answered in order, 202 (and journaled once) or 503 {@code draining}
 * (and not journaled), the last answer (the first written once the gateway drains, either of those) says
 * {@code Connection: close}, the requests sent behind it are neither
 * answered nor journaled (RFC 9112, 9.6), and the connection then ends with a FIN, never a reset that would drop
 * answers the client had not read yet.
 */
class GatewayDrainPipelinedProcessTest
{
    /** Requests written ahead of their answers: fewer than the 64 a connection may pipeline. */
    private static final int AHEAD = 32;
    /** Answers before the SIGTERM: the gateway is then busy with this connection. */
    private static final int BEFORE_SIGTERM = 200;
    private static final int MOST_REQUESTS = 100_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldAnswerEveryPipelinedRequestOrSayItClosesAndNeverResetAtSigterm() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final UUID session = UUID.randomUUID();
        final List<RawHttpAnswer> answers = new CopyOnWriteArrayList<>();
        int sent = 0;
        CompletableFuture<Integer> exit = null;
        final Throwable[] readFailure = new Throwable[1];
        try (GatewayProcess gateway = GatewayProcess.start(dataDir);
            Socket socket = new Socket("127.0.0.1", gateway.port()))
        {
            socket.setSoTimeout(60_000);
            final InputStream in = new BufferedInputStream(socket.getInputStream());
            final Thread reader = new Thread(() ->
            {
                try
                {
                    RawHttpAnswer answer;
                    while ((answer = RawHttpAnswer.read(in)) != null)
                    {
                        answers.add(answer);
                    }
                }
                catch (final IOException ex)
                {
                    readFailure[0] = ex; // "Connection reset": answers the kernel had for us may be lost
                }
            }, "pipelining-reader");
            reader.start();
            final OutputStream out = socket.getOutputStream();
            while (sent < MOST_REQUESTS && reader.isAlive())
            {
                final int answered = answers.size();
                if (answered > 0 && answers.get(answered - 1).close())
                {
                    break; // the gateway said it closes: nothing more is sent
                }
                if (exit == null && answered >= BEFORE_SIGTERM)
                {
                    exit = CompletableFuture.supplyAsync(() -> terminate(gateway));
                }
                if (sent - answered >= AHEAD)
                {
                    Thread.onSpinWait();
                    continue;
                }
                try
                {
                    out.write(request(UUID.nameUUIDFromBytes(("request " + sent).getBytes(StandardCharsets.UTF_8)),
                        session, sent));
                    out.flush();
                    sent++;
                }
                catch (final IOException ex)
                {
                    break; // the gateway's side is closed; what was answered is read below
                }
            }
            reader.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(exit != null, "SIGTERM sent: " + answers.size() + " answers\n" + gateway.logs());
            assertEquals(0, exit.get(60, TimeUnit.SECONDS), gateway.logs());
            assertNull(readFailure[0], "the connection ended with a reset after " + answers.size() + " answers of " +
                sent + " requests");
        }

        final int answered = answers.size();
        assertTrue(answered >= BEFORE_SIGTERM && answered <= sent, answered + " answers to " + sent + " requests");
        assertTrue(answers.get(answered - 1).close(), "the last answer says Connection: close: " +
            answers.get(answered - 1));
        final JournaledFrames journal = JournaledFrames.read(dataDir);
        for (int i = 0; i < sent; i++)
        {
            final RawHttpAnswer answer = i < answered ? answers.get(i) : null;
            if (answer != null && answer.status() == 202)
            {
                assertEquals(1, journal.count(session, i), "request " + i + " was answered 202: journaled once");
                continue;
            }
            if (answer != null)
            {
                assertEquals(503, answer.status(), "request " + i + ": " + answer);
                assertEquals("draining", answer.reason(), "request " + i);
            }
            assertEquals(0, journal.count(session, i), "request " + i + " answered " + answer + ": not journaled");
        }
        for (int i = 0; i < answered - 1; i++)
        {
            assertTrue(!answers.get(i).close(), "only the last answer closes: " + i + " " + answers.get(i));
        }
    }

    private static int terminate(final GatewayProcess gateway)
    {
        try
        {
            return gateway.terminate(Duration.ofSeconds(60));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static byte[] request(final UUID eventId, final UUID session, final int sequence)
    {
        final byte[] body = Envelopes.batch(eventId, session, sequence, 1).getBytes(StandardCharsets.UTF_8);
        final String head = "POST /beacon HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
            "Content-Length: " + body.length + "\r\n\r\n";
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }
}
