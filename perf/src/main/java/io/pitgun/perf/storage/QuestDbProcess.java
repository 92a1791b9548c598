package io.pitgun.perf.storage;

import io.pitgun.sinks.QuestDbHttp;
import io.pitgun.testsupport.QuestDbServerCommand;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A QuestDB server as a child process from its jar, as the sink's integration test starts one: its HTTP endpoint
 * (ILP and SQL) on a free loopback port, every other listener off, a fresh data directory.
 */
final class QuestDbProcess implements AutoCloseable
{
    private static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private final Path jar;
    private final Path root;
    private final int port;
    private final Process process;

    private QuestDbProcess(final Path jar, final Path root, final int port, final Process process)
    {
        this.jar = jar;
        this.root = root;
        this.port = port;
        this.process = process;
    }

    /** Starts the server and waits (at most 60 s) until it answers SQL. */
    static QuestDbProcess start(final Path jar, final Path root) throws Exception
    {
        Files.createDirectories(root);
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final QuestDbProcess server = new QuestDbProcess(jar, root, port,
            QuestDbServerCommand.processBuilder(jar, root, port).start());
        final long deadline = System.nanoTime() + START_TIMEOUT_NS;
        while (true)
        {
            if (!server.process.isAlive())
            {
                throw new IllegalStateException("QuestDB exited with " + server.process.exitValue() + ": " +
                    server.logTail());
            }
            try
            {
                server.http().exec("SELECT 1");
                return server;
            }
            catch (final IOException ex)
            {
                if (System.nanoTime() > deadline)
                {
                    server.close();
                    throw new IllegalStateException("QuestDB did not answer within 60 s: " + server.logTail(), ex);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    /** The newest {@code org.questdb:questdb} jar in the local Maven repository, if any. */
    static Optional<Path> newestInMavenRepository()
    {
        final Path dir = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "questdb", "questdb");
        if (!Files.isDirectory(dir))
        {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(dir))
        {
            return versions.map(v -> v.resolve("questdb-" + v.getFileName() + ".jar")).filter(Files::isRegularFile)
                .max(Comparator.comparing(p -> versionKey(p.getParent().getFileName().toString())));
        }
        catch (final IOException ex)
        {
            return Optional.empty();
        }
    }

    /** A version as a comparable string: each numeric part zero-padded. */
    static String versionKey(final String version)
    {
        final StringBuilder key = new StringBuilder();
        for (final String part : version.split("[.-]"))
        {
            key.append(part.matches("\\d+") ? String.format("%08d", Integer.parseInt(part)) : part).append('.');
        }
        return key.toString();
    }

    /** {@code http::addr=127.0.0.1:PORT;}. */
    String ilpConfiguration()
    {
        return "http::addr=127.0.0.1:" + port + ";retry_timeout=500;";
    }

    /** The jar's version (its directory in the Maven repository, or its file name). */
    String version()
    {
        return jar.getFileName().toString().replaceAll("^questdb-|\\.jar$", "");
    }

    /**
     * Rows in {@code table} once it holds {@code expected} (QuestDB applies committed rows to a WAL table
     * asynchronously), or what it holds after 60 s.
     */
    long awaitCount(final String table, final long expected) throws IOException
    {
        final long deadline = System.nanoTime() + START_TIMEOUT_NS;
        while (true)
        {
            final long rows = http().exec("SELECT count() FROM " + table).path("dataset").path(0).path(0).asLong();
            if (rows >= expected || System.nanoTime() > deadline)
            {
                return rows;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private QuestDbHttp http()
    {
        return new QuestDbHttp(ilpConfiguration());
    }

    private String logTail()
    {
        try
        {
            final List<String> log = Files.readAllLines(root.resolve("server.log"));
            return String.join("\n", log.subList(Math.max(0, log.size() - 20), log.size()));
        }
        catch (final IOException ex)
        {
            return "(no log: " + ex + ")";
        }
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }
}
