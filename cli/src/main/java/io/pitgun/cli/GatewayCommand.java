package io.pitgun.cli;

import io.pitgun.engine.AckMode;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayConfigException;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.gateway.HostPort;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code pitgun gateway}: runs the HTTP/WebSocket gateway in front of an embedded pipeline until SIGTERM or
 * SIGINT, then shuts down gracefully (stop accepting, answer admitted requests, drain the ring, close the journal)
 * and exits 0. Its flags are derived from {@link GatewaySetting} ({@link #addSettingOptions}); each has a
 * {@code PITGUN_GATEWAY_*} environment variable, and a flag wins.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {
        "Run the Pitgun gateway: POST /beacon, GET /ws, /health, /metrics, /dictionary, /schemas, /solver/.",
        "Binds 127.0.0.1:8080 by default, where every endpoint is open; a non-loopback bind also needs tokens",
        "(PITGUN_GATEWAY_TOKENS_FILE, pitgun token add) or PITGUN_GATEWAY_INSECURE=1 (docs/security.md).",
        "See docs/gateway.md for every setting."
    },
    exitCodeList = {"0:stopped gracefully (SIGTERM/SIGINT)",
        "1:the configuration was refused or the gateway could not start"})
public final class GatewayCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Adds one option per {@link GatewaySetting} to the {@code gateway} command, with the setting's description,
     * environment variable and default in its help. A setting that is a switch may be given alone ({@code
     * --insecure} means 1). Called once while the command line is built.
     */
    static void addSettingOptions(final CommandLine.Model.CommandSpec gateway)
    {
        for (final GatewaySetting setting : GatewaySetting.values())
        {
            final CommandLine.Model.OptionSpec.Builder option = CommandLine.Model.OptionSpec.builder(setting.flag())
                .paramLabel(setting.isSwitch() ? "1|0" : "VALUE")
                .type(String.class)
                .description(setting.description() + ". Env " + setting.envName() + "; default: " +
                    (setting.defaultValue().isEmpty() ? "none" : setting.defaultValue()) + "." +
                    (setting.aliasFlag() == null ? "" : " " + setting.aliasFlag() + " and " + setting.aliasEnvName() +
                        " are deprecated names of it."));
            if (setting.isSwitch())
            {
                option.arity("0..1").fallbackValue("1");
            }
            gateway.addOption(option.build());
            if (setting.aliasFlag() != null)
            {
                // The former name, still accepted, left out of the help so that one name shows.
                gateway.addOption(CommandLine.Model.OptionSpec.builder(setting.aliasFlag()).paramLabel("VALUE")
                    .type(String.class).hidden(true).build());
            }
        }
        gateway.usageMessage().sortOptions(false);
    }

    /** The settings given as flags on this command line. */
    Map<GatewaySetting, String> flags()
    {
        final Map<GatewaySetting, String> flags = new EnumMap<>(GatewaySetting.class);
        for (final GatewaySetting setting : GatewaySetting.values())
        {
            String value = spec.findOption(setting.flag()).getValue();
            final String alias = setting.aliasFlag() == null ? null :
                spec.findOption(setting.aliasFlag()).getValue();
            if (alias != null)
            {
                // Refused here, before the environment is read: the flags map holds one value per setting.
                final String disagreement = setting.namesDisagree(true, value, alias);
                if (disagreement != null)
                {
                    throw new GatewayConfigException(List.of(disagreement));
                }
                spec.commandLine().getErr().println("pitgun gateway: " + setting.aliasFlag() +
                    " is deprecated: use " + setting.flag() + " (same meaning)");
                value = value == null ? alias : value;
            }
            if (value != null)
            {
                flags.put(setting, value);
            }
        }
        return flags;
    }

    @Override
    public Integer call() throws Exception
    {
        final GatewayConfig config = GatewayConfig.fromEnvironment(flags());
        final GatewayServer server;
        try
        {
            server = GatewayServer.start(config);
        }
        catch (final Error ex)
        {
            // Past picocli an Error ends only the main thread, and a thread left running would keep the JVM alive;
            // as an exception it is one line on stderr and System.exit(1).
            final boolean threadLimit = ex instanceof OutOfMemoryError && String.valueOf(ex.getMessage())
                .contains("native thread");
            // Before, a memory shortfall named no setting ("cannot start: java.lang.OutOfMemoryError: Java heap
            // space" for IDEMPOTENCY_ENTRIES=16777216 under -Xmx128m): the settings that size memory at start are.
            final boolean memory = ex instanceof OutOfMemoryError && !threadLimit;
            throw new IllegalStateException("cannot start: " + ex + (threadLimit ? " (the process's thread " +
                "limit, ulimit -u, leaves too few for the gateway's threads)" : "") + (memory ? " (memory taken at " +
                "start: " + GatewaySetting.CHANNEL_CAPACITY.envName() + "=" + config.channelCapacity() + " ring " +
                "slots, in direct memory, and " + GatewaySetting.IDEMPOTENCY_ENTRIES.envName() + "=" +
                config.idempotencyEntries() + " event_ids, on the heap; lower them, or give the JVM more: " +
                "PITGUN_JAVA_OPTS=-Xmx... -XX:MaxDirectMemorySize=...)" : ""), ex);
        }
        spec.commandLine().getOut().println("pitgun gateway: listening on " + HostPort.of(server.address()) + " (" +
            server.transportName() + ", ack mode " + config.ackMode().symbol() +
            ", journal " + config.journalDirectory() + "); SIGTERM or Ctrl-C stops it gracefully");
        server.udpAddress().ifPresent(udp -> spec.commandLine().getOut().println("pitgun gateway: receiving F1 UDP " +
            "telemetry on " + HostPort.of(udp)));
        spec.commandLine().getOut().println("pitgun gateway: idempotency window restored " +
            server.restoredEventIds() + " event_ids from the journal");
        spec.commandLine().getOut().flush();
        final CountDownLatch stopped = new CountDownLatch(1);
        final int[] status = new int[1]; // written before the count-down, read after the await
        // The drain, on SIGTERM/SIGINT (then exit with its status) or at the JVM's exit.
        SignalExit.install("pitgun-gateway-shutdown", () ->
        {
            server.shutdown();
            status[0] = exitStatus(server, spec.commandLine().getErr());
            stopped.countDown();
            return status[0];
        });
        stopped.await();
        return status[0];
    }

    /**
     * 0 for a clean stop; 1, saying why on standard error, when the journal failed while the gateway ran or as it
     * stopped, or when the stop could not journal that the pipeline drained: a supervisor or script that judges a
     * stop by its status must not take that run for a good one. What the journal had not taken by then is not in it:
     * with {@code ACK_MODE=journaled} none of it was acknowledged (refused 503 {@code journal_failed}), with
     * {@code accepted} some of it may have been answered 202. A drain not journaled ({@code PipelineDrained}) makes
     * every reader of the journal take the run for one killed (docs/embedding.md, Restarts, in a replay).
     */
    static int exitStatus(final GatewayServer server, final PrintWriter err)
    {
        final String why = server.journalNotWhole().orElse(null);
        if (why == null)
        {
            return 0;
        }
        final String acknowledged = server.pipeline().journalFailure().isEmpty() ? "" :
            server.config().ackMode() == AckMode.JOURNALED ? ", and none of them was acknowledged (refused 503 " +
                "journal_failed)" : ", and with ack mode accepted some of them may have been answered 202";
        err.println("pitgun gateway: " + why + acknowledged + "; exit status 1");
        err.flush();
        return 1;
    }
}
