package io.pitgun.testsupport;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for a test: {@code initdb} into a temporary directory, {@code pg_ctl start} on a free
 * loopback port with its Unix socket in that directory. PostgreSQL refuses to run as root, so as root (CI
 * containers) its programs run as the {@code postgres} user (Debian's package creates it).
 */
public final class PostgresServer implements AutoCloseable
{
    private final Path bin;
    private final Path root;
    private final Path data;
    private final int port;
    private final boolean asPostgresUser;
    private boolean running;

    private PostgresServer(final Path bin, final Path root, final int port, final boolean asPostgresUser)
    {
        this.bin = bin;
        this.root = root;
        this.data = root.resolve("data");
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /**
     * Starts a server; aborts the test (skipped, with a warning) when PostgreSQL is not installed, unless the
     * environment has {@code CI=true}, where .ci/run installs it and its absence fails the test.
     */
    public static PostgresServer startOrSkip() throws Exception
    {
        final Optional<Path> bin = binDirectory();
        if (bin.isEmpty())
        {
            final String message = "PostgreSQL (initdb, pg_ctl) is not installed (Debian: apt-get install " +
                "postgresql): the PostgreSQL sink was NOT tested";
            System.err.println("WARNING: " + message);
            if ("true".equals(System.getenv("CI")))
            {
                throw new AssertionError(message + " and CI=true requires it");
            }
            Assumptions.abort(message);
        }
        return start(bin.get());
    }

    /** The directory holding initdb and pg_ctl (Debian's /usr/lib/postgresql/N/bin, newest first), if installed. */
    public static Optional<Path> binDirectory() throws IOException
    {
        final Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian))
        {
            try (Stream<Path> versions = Files.list(debian))
            {
                final Optional<Path> bin = versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString()
                        .replaceAll("\\D", "0"))));
                if (bin.isPresent())
                {
                    return bin;
                }
            }
        }
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(":"))
        {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "initdb")))
            {
                return Optional.of(Path.of(dir));
            }
        }
        return Optional.empty();
    }

    /** Creates the cluster (user {@code pitgun}, trust authentication on loopback) and starts it. */
    public static PostgresServer start(final Path bin) throws Exception
    {
        final boolean root = "root".equals(System.getProperty("user.name"));
        // Not under JUnit's @TempDir: that is root-only (0700), and the postgres user must reach the directory.
        final Path dir = Files.createTempDirectory("pitgun-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final PostgresServer server = new PostgresServer(bin, dir, port, root);
        server.run(bin.resolve("initdb").toString(), "-D", server.data.toString(), "-U", "pitgun", "-A", "trust",
            "-E", "UTF8", "--no-sync", "--no-instructions");
        server.start();
        return server;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres?user=pitgun}. */
    public String jdbcUrl()
    {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=pitgun";
    }

    /** Starts the server (again, after {@link #kill()}) on the same port and data. */
    public void start() throws Exception
    {
        run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", root.resolve("server.log").toString(),
            "-w", "-t", "60", "-o", "-p " + port + " -k " + root + " -c listen_addresses=127.0.0.1 -c fsync=off",
            "start");
        running = true;
    }

    /** Stops the server at once, without a checkpoint ({@code pg_ctl stop -m immediate}): as a crash would. */
    public void kill() throws Exception
    {
        run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
        running = false;
    }

    @Override
    public void close() throws Exception
    {
        try
        {
            if (running)
            {
                run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop");
                running = false;
            }
        }
        finally
        {
            try (Stream<Path> files = Files.walk(root))
            {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void run(final String... command) throws Exception
    {
        final List<String> line = new ArrayList<>();
        if (asPostgresUser)
        {
            line.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        line.addAll(List.of(command));
        final Process process = new ProcessBuilder(line).redirectErrorStream(true)
            .redirectOutput(root.resolve("commands.log").toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", line) + ": no answer within 90 s");
        }
        if (process.exitValue() != 0)
        {
            throw new IllegalStateException(String.join(" ", line) + " exited with " + process.exitValue() + ": " +
                Files.readString(root.resolve("commands.log")));
        }
    }
}
