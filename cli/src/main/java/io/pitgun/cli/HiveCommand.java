package io.pitgun.cli;

import io.pitgun.scaleout.Hive;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.scaleout.ShipperConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code pitgun hive}: receives the journals edges ship ({@code pitgun gateway --ship-to}) over Aeron, records the
 * stream with Aeron Archive and keeps one journal per edge ({@code DATA_DIR/edges/EDGE_ID/journal}, read by
 * {@code pitgun journal ...}), exactly once, until SIGTERM or SIGINT. See docs/scale-out.md.
 */
@Command(
    name = "hive",
    mixinStandardHelpOptions = true,
    description = {
        "Run a hive: receive the journals edge gateways ship (pitgun gateway --ship-to) over Aeron UDP, record",
        "the stream with Aeron Archive (DATA_DIR/archive) and keep one journal per edge",
        "(DATA_DIR/edges/EDGE_ID/journal), each frame once. See docs/scale-out.md."
    },
    subcommands = HiveStatusCommand.class,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped (SIGTERM/SIGINT)", "1:the hive could not start"})
public final class HiveCommand implements Callable<Integer>
{
    // Checked in call(), not by picocli: 'pitgun hive status' must not need it.
    @Option(names = "--listen", paramLabel = "CHANNEL",
        description = "Aeron channel to receive on, e.g. aeron:udp?endpoint=127.0.0.1:40456 (the edges' --ship-to).")
    String listen;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./hive-data",
        description = "Where the edges' journals and the archive live. Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--stream-id", paramLabel = "ID", defaultValue = "" + ShipperConfig.DEFAULT_STREAM_ID,
        description = "The shipping stream id. Default: ${DEFAULT-VALUE}.")
    int streamId;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "The embedded media driver's directory. Default: under /dev/shm when it exists, else DATA_DIR/aeron.")
    Path aeronDir;

    @Option(names = "--record", paramLabel = "1|0", defaultValue = "1",
        description = "1 to record the stream with Aeron Archive (the raw record of what arrived), 0 not to. Default: ${DEFAULT-VALUE}.")
    int record;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        if (listen == null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--listen=CHANNEL'");
        }
        final HiveConfig config = new HiveConfig(listen, streamId, dataDir, aeronDir, record != 0);
        final Hive hive = Hive.start(config);
        spec.commandLine().getOut().println("pitgun hive: listening on " + listen + " stream " + streamId +
            ", edges' journals under " + dataDir.resolve(HiveConfig.EDGES_DIRECTORY) +
            "; SIGTERM or Ctrl-C stops it");
        spec.commandLine().getOut().flush();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            hive.close();
            stopped.countDown();
        }, "pitgun-hive-shutdown"));
        SignalExit.install(stopped);
        stopped.await();
        return 0;
    }
}
