package io.pitgun.scaleout;

import io.aeron.driver.MediaDriver;
import io.pitgun.journal.Journal;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * An edge's shipping, started beside a journal that something else writes (a gateway, an embedded pipeline): an
 * embedded media driver, the shipping publication and the {@link EdgeShipperAgent} on its own thread
 * ({@code pitgun-shipper}). Nothing here is on the ingest path.
 */
public final class EdgeShipper implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(EdgeShipper.class);

    private final UUID edgeId;
    private final AeronDirectoryHold hold;
    private final MediaDriver driver;
    private final EdgeShipperAgent agent;
    private final AgentRunner runner;

    private EdgeShipper(final UUID edgeId, final AeronDirectoryHold hold, final MediaDriver driver,
        final EdgeShipperAgent agent, final AgentRunner runner)
    {
        this.edgeId = edgeId;
        this.hold = hold;
        this.driver = driver;
        this.agent = agent;
        this.runner = runner;
    }

    /**
     * Starts shipping {@code journal} as the edge whose id is kept in {@code dataDirectory} ({@link EdgeId}).
     * Close the shipper before the journal.
     */
    public static EdgeShipper start(final Journal journal, final Path dataDirectory, final ShipperConfig config)
    {
        return start(journal, dataDirectory, config, UnaryOperator.identity());
    }

    /**
     * As {@link #start(Journal, Path, ShipperConfig)}, with the media driver's context adjusted by
     * {@code driverSettings} before launch: e.g. a test's loss generator.
     */
    public static EdgeShipper start(final Journal journal, final Path dataDirectory, final ShipperConfig config,
        final UnaryOperator<MediaDriver.Context> driverSettings)
    {
        return start(journal, dataDirectory, config, driverSettings, SystemNanoClock.INSTANCE);
    }

    /** As above, with the shipper's clock given (tests: a clock they move). */
    static EdgeShipper start(final Journal journal, final Path dataDirectory, final ShipperConfig config,
        final UnaryOperator<MediaDriver.Context> driverSettings, final NanoClock clock)
    {
        final UUID edgeId = EdgeId.loadOrCreate(dataDirectory);
        final Path aeronDirectory = config.aeronDirectory() != null ? config.aeronDirectory() :
            AeronDirectories.forRole(dataDirectory, "edge");
        final AeronDirectoryHold hold = AeronDirectoryHold.acquire(aeronDirectory, "edge");
        MediaDriver driver = null;
        ShipperLink link = null;
        AgentRunner runner = null;
        try
        {
            driver = MediaDriver.launch(driverSettings.apply(AeronDirectories.driverContext(aeronDirectory,
                config.idleStrategy())));
            link = ShipperLink.connect(aeronDirectory, config);
            final BatchAuthenticator authenticator = config.secretFile() == null ? null :
                new BatchAuthenticator(EdgeSecrets.readEdgeSecret(config.secretFile()));
            final EdgeShipperAgent agent = new EdgeShipperAgent(journal, link,
                () -> ShipperLink.connect(aeronDirectory, config), config, edgeId, clock, authenticator);
            runner = new AgentRunner(config.idleStrategy().newIdleStrategy(),
                ex -> LOG.error("edge shipper failed", ex), null, agent);
            AgentRunner.startOnThread(runner);
            LOG.info("edge {} shipping {} to {} (aeron {}, batches {})", edgeId, journal.config().directory(),
                config.channel(), aeronDirectory, authenticator == null ? "unauthenticated" : "signed (HMAC-SHA256)");
            return new EdgeShipper(edgeId, hold, driver, agent, runner);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(runner, link, driver, hold);
            throw ex;
        }
    }

    /** This edge's id. */
    public UUID edgeId()
    {
        return edgeId;
    }

    /** The shipper's counters. */
    public ShipperCounters counters()
    {
        return agent.counters();
    }

    /** Stops the shipper's thread, then the client and the driver. */
    @Override
    public void close()
    {
        CloseHelper.closeAll(runner, agent::closeLink, driver, hold);
    }
}
