package io.pitgun.perf.loadgen;

import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumMap;
import java.util.Map;

/**
 * The gateway a {@code --sweep} measures when no {@code --target} is given: embedded, on a free loopback port, the
 * default (pass-through) manifest, acknowledging after the journal, no per-client rate limit (one client sends
 * everything), journal in a temporary directory deleted on close.
 */
public final class SweepGateway implements AutoCloseable
{
    private final GatewayServer server;
    private final Path dir;

    private SweepGateway(final GatewayServer server, final Path dir)
    {
        this.server = server;
        this.dir = dir;
    }

    /**
     * Starts the embedded gateway.
     *
     * @return the running gateway; close it to stop it and delete its journal.
     * @throws IOException          when the temporary directory or the journal cannot be created.
     * @throws InterruptedException when interrupted while the gateway binds.
     */
    public static SweepGateway start() throws IOException, InterruptedException
    {
        final Path dir = Files.createTempDirectory("pitgun-sweep-");
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        flags.put(GatewaySetting.DATA_DIR, dir.toString());
        flags.put(GatewaySetting.ACK_MODE, "journaled");
        flags.put(GatewaySetting.RATE_LIMIT, "0");
        flags.put(GatewaySetting.BIND, "127.0.0.1:0");
        final GatewayConfig config = GatewayConfig.resolve(Map.of(), flags);
        return new SweepGateway(GatewayServer.start(config), dir);
    }

    /** @return the gateway's base URL. */
    public URI uri()
    {
        return URI.create("http://127.0.0.1:" + server.address().getPort());
    }

    @Override
    public void close() throws IOException
    {
        server.shutdown();
        Files.walkFileTree(dir, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException
            {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path d, final IOException exc) throws IOException
            {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
