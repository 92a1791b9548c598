package io.pitgun.testsupport;

import java.nio.file.Path;

/**
 * How a real QuestDB server is started as a child process from its jar, for the sink's integration tests and the
 * storage benchmark alike: this JVM's {@code java} on the {@code io.questdb} module, its HTTP endpoint (ILP and SQL)
 * on a loopback port, every other listener and the telemetry off, its output in {@code server.log} of its data
 * directory.
 */
public final class QuestDbServerCommand
{
    private QuestDbServerCommand()
    {
    }

    /**
     * The process, not yet started.
     *
     * @param jar      the {@code org.questdb:questdb} jar.
     * @param root     the server's data directory (must exist); {@code server.log} is written there.
     * @param httpPort the loopback port of its HTTP endpoint.
     * @return a builder to {@link ProcessBuilder#start()}.
     */
    public static ProcessBuilder processBuilder(final Path jar, final Path root, final int httpPort)
    {
        final ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx512m", "-p", jar.toString(), "-m", "io.questdb/io.questdb.ServerMain", "-d",
            root.toString());
        builder.environment().put("QDB_HTTP_BIND_TO", "127.0.0.1:" + httpPort);
        builder.environment().put("QDB_HTTP_MIN_ENABLED", "false");
        builder.environment().put("QDB_PG_ENABLED", "false");
        builder.environment().put("QDB_LINE_TCP_ENABLED", "false");
        builder.environment().put("QDB_LINE_UDP_ENABLED", "false");
        builder.environment().put("QDB_TELEMETRY_ENABLED", "false");
        builder.environment().put("QDB_SHARED_WORKER_COUNT", "2");
        builder.redirectErrorStream(true).redirectOutput(root.resolve("server.log").toFile());
        return builder;
    }
}
