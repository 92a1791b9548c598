package io.pitgun.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.QuestDbServerCommand;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real QuestDB server as a child process, from the {@code org.questdb:questdb} jar on the test class path, with
 * its HTTP endpoint (ILP and SQL) on a free loopback port and every other listener off. {@link #kill()} ends it as
 * a crash would; {@link #start()} again reopens the same data directory on the same port.
 */
final class QuestDbServer implements AutoCloseable
{
    private final Path root;
    private final int httpPort;
    private Process process;

    QuestDbServer(final Path root) throws IOException
    {
        this.root = root;
        try (ServerSocket socket = new ServerSocket(0))
        {
            this.httpPort = socket.getLocalPort();
        }
    }

    /** {@code http::addr=127.0.0.1:PORT;}. */
    String ilpConfiguration()
    {
        return "http::addr=127.0.0.1:" + httpPort + ";retry_timeout=500;";
    }

    QuestDbHttp http()
    {
        return new QuestDbHttp(ilpConfiguration());
    }

    void start() throws Exception
    {
        process = QuestDbServerCommand.processBuilder(questDbJar(), root, httpPort).start();
        final QuestDbHttp http = http();
        Await.until("QuestDB answers on port " + httpPort, Duration.ofSeconds(60), () ->
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("QuestDB exited with " + process.exitValue() + ", see " +
                    root.resolve("server.log"));
            }
            try
            {
                http.exec("SELECT 1");
                return true;
            }
            catch (final IOException ex)
            {
                return false;
            }
        });
    }

    /** Ends the server at once (SIGKILL), as a crash would. */
    void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    JsonNode query(final String sql) throws IOException
    {
        try
        {
            return http().exec(sql);
        }
        catch (final IOException ex)
        {
            final java.util.List<String> log = java.nio.file.Files.readAllLines(root.resolve("server.log"));
            throw new IOException(sql + ": " + ex + "; server alive " + process.isAlive() + ", its log ends:\n" +
                String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size())), ex);
        }
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process != null && process.isAlive())
        {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS))
            {
                kill();
            }
        }
    }

    private static Path questDbJar()
    {
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator))
        {
            if (entry.matches(".*questdb-\\d[^/]*\\.jar"))
            {
                return Path.of(entry);
            }
        }
        throw new IllegalStateException("org.questdb:questdb is not on the test class path");
    }
}
