package io.pitgun.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewayConfigException;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalPretouchAgent;
import io.pitgun.journal.JournalStatsCollector;
import io.pitgun.journal.ProgressListener;
import io.pitgun.testsupport.Await;
import io.pitgun.testsupport.EnvelopeJson;
import io.pitgun.testsupport.GatewayClient;
import io.pitgun.testsupport.SmallTmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun gateway}'s flags come from {@link GatewaySetting}: help, switches and values. */
class GatewayCommandTest
{
    @Test
    void shouldListEverySettingWithItsMeaningEnvironmentVariableAndDefaultInHelp()
    {
        final CliRun run = CliRun.of("gateway", "--help");
        assertEquals(0, run.exitCode(), run.err());
        // Picocli wraps at 80 columns, inside paths too: compare without white space.
        final String help = run.out().replaceAll("\\s+", "");
        for (final GatewaySetting setting : GatewaySetting.values())
        {
            assertTrue(help.contains(setting.flag() + (setting.isSwitch() ? "[=1|0]" : "=VALUE")), setting.flag());
            final String expected = setting.description() + ". Env " + setting.envName() + "; default: " +
                (setting.defaultValue().isEmpty() ? "none" : setting.defaultValue()) + ".";
            assertTrue(help.contains(expected.replaceAll("\\s+", "")), setting + ":\n" + run.out());
        }
    }

    @Test
    void shouldTakeASwitchGivenAloneAsOne()
    {
        final GatewayCommand command = parse("gateway", "--insecure", "--bind", "0.0.0.0:0");
        final Map<GatewaySetting, String> flags = command.flags();
        assertEquals("1", flags.get(GatewaySetting.INSECURE));
        assertTrue(GatewayConfig.resolve(Map.of(), flags).security().insecure());
    }

    @Test
    void shouldTakeASwitchWithAnExplicitValue()
    {
        final Map<GatewaySetting, String> flags = parse("gateway", "--insecure=0").flags();
        assertFalse(GatewayConfig.resolve(Map.of(), flags).security().insecure());
    }

    @Test
    void shouldPassValueFlagsThroughAndLeaveTheRestToTheEnvironment()
    {
        final Map<GatewaySetting, String> flags = parse("gateway", "--channel-capacity", "64", "--data-dir", "d")
            .flags();
        assertEquals(Map.of(GatewaySetting.CHANNEL_CAPACITY, "64", GatewaySetting.DATA_DIR, "d"), flags);
        assertEquals(64, GatewayConfig.resolve(Map.of(), flags).channelCapacity());
    }

    /** Before, {@code --ring-slots=128 --channel-capacity=64} ran a ring of 64 slots without a word. */
    @Test
    void shouldAcceptTheDeprecatedRingSlotsFlagAsChannelCapacityButNotBesideADifferentOne()
    {
        final Map<GatewaySetting, String> flags = parse("gateway", "--ring-slots=128").flags();
        assertEquals(Map.of(GatewaySetting.CHANNEL_CAPACITY, "128"), flags);
        assertEquals(128, GatewayConfig.resolve(Map.of(), flags).channelCapacity());
        assertEquals(Map.of(GatewaySetting.CHANNEL_CAPACITY, "64"),
            parse("gateway", "--ring-slots=64", "--channel-capacity=64").flags(), "the same value twice");
        final GatewayConfigException ex = assertThrows(GatewayConfigException.class,
            () -> parse("gateway", "--ring-slots=128", "--channel-capacity=64").flags());
        assertEquals(List.of("--channel-capacity=64 and --ring-slots=128, its deprecated name, are both set, to " +
            "different values: set --channel-capacity alone"), ex.problems());
    }

    /**
     * Contradictory settings are refused as every other refusal of the configuration is: status 1 and one line
     * naming each setting with its value. Before, each of these started a gateway, which runs until stopped: the
     * timeout makes that a failure.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseContradictorySettingsInOneLineWithStatusOne(@TempDir final Path dir)
    {
        for (final String[] settings : new String[][] {
            {"--max-connections", "100", "--max-connections-per-peer", "500"},
            {"--outbound-total-limit-bytes", "8388608", "--outbound-limit-bytes", "67108864"},
            {"--outbound-total-limit-bytes", "8388608", "--subscriber-buffer-bytes", "16777216"},
            {"--max-body-bytes", "4194304", "--max-envelope-bytes", "8388608"},
            {"--channel-capacity", "32", "--ring-slots", "64"}})
        {
            final CliRun run = gateway(dir, settings);
            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().startsWith("pitgun gateway: "), run.err());
            for (final String word : settings)
            {
                assertTrue(run.err().contains(word), word + ": " + run.err());
            }
        }
    }

    /**
     * A setting that acts only through another is refused without it, naming both, as SHIP_SECRET_FILE without
     * SHIP_TO already was. Before, each of these started a gateway on which it did nothing (the timeout makes that a
     * failure).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseASettingThatActsOnlyThroughAnotherGivenWithoutIt(@TempDir final Path dir)
    {
        for (final String[] settings : new String[][] {
            {"--ship-batch-size", "5", "--ship-to"},
            {"--ship-reply", "aeron:udp?endpoint=127.0.0.1:0", "--ship-to"},
            {"--tls-provider", "jdk", "--tls-cert"},
            {"--tls-max-handshakes", "8", "--tls-cert"},
            {"--udp-all-cars", "1", "--udp"},
            {"--run-registry-include-restricted", "1", "--run-registry-url"}})
        {
            final CliRun run = gateway(dir, settings[0], settings[1]);
            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().startsWith("pitgun gateway: ") && run.err().contains("(" + settings[0] + ") is set " +
                "but ") && run.err().contains("(" + settings[2] + ") is not: "), run.err());
        }
    }

    /**
     * A refusal at start names its setting. Before, a dictionary behind a loop of symbolic links (or missing, or a
     * directory) was refused with its path and why it could not be read, and a JOURNAL_MIN_FREE_BYTES no file system
     * has with the journal's directory and the bytes free, a new journal or an existing one: neither named the
     * setting to change.
     */
    @Test
    @Timeout(60)
    void shouldNameTheSettingOfADictionaryThatCannotBeReadAndOfAJournalHeadroomNoFileSystemHas(
        @TempDir final Path dir) throws Exception
    {
        final Path loop = dir.resolve("loop.yaml");
        Files.createSymbolicLink(loop, dir.resolve("back.yaml"));
        Files.createSymbolicLink(dir.resolve("back.yaml"), loop);
        for (final Path dictionary : new Path[] {loop, dir.resolve("missing.yaml"), dir})
        {
            final CliRun run = gateway(dir.resolve("data"), "--dictionary", dictionary.toString());
            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().startsWith("pitgun gateway: PITGUN_GATEWAY_DICTIONARY (--dictionary): " +
                dictionary + ": cannot read: "), run.err());
        }
        LoopbackGateway.start(dir.resolve("existing")).shutdown();
        for (final Path dataDir : new Path[] {dir.resolve("new"), dir.resolve("existing")})
        {
            final CliRun run = gateway(dataDir, "--journal-min-free-bytes", Long.toString(Long.MAX_VALUE));
            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().startsWith("pitgun gateway: PITGUN_GATEWAY_JOURNAL_MIN_FREE_BYTES " +
                "(--journal-min-free-bytes): " + dataDir.resolve("journal") + ": "), run.err());
            assertTrue(run.err().contains(Long.MAX_VALUE + " bytes"), run.err());
        }
    }

    /**
     * CHANNEL_CAPACITY is refused at validation with the range the gateway's slots allow, and the largest it names
     * is taken. Before, 16777216, inside the range a refusal of 100 named, passed validation and the start failed
     * building the ring, naming no setting ({@code ring of 16777216 slots of 6400 bytes exceeds 2 GiB}).
     */
    @Test
    @Timeout(60)
    void shouldRefuseAChannelCapacityWhoseRingDoesNotFitNamingTheLargestThatDoes(@TempDir final Path dir)
    {
        final CliRun run = gateway(dir, "--channel-capacity", "16777216");
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        final java.util.regex.Matcher range = java.util.regex.Pattern.compile("^pitgun gateway: " +
            "PITGUN_GATEWAY_CHANNEL_CAPACITY \\(--channel-capacity\\): must be a power of two between 2 and (\\d+) " +
            "\\(the ring's slots of \\d+ bytes, for max_frame_bytes \\d+, must fit in 2 GiB\\), got 16777216$")
            .matcher(run.err().strip());
        assertTrue(range.matches(), run.err());
        // Without starting: the largest ring takes over a GiB of direct memory.
        final String largest = range.group(1);
        assertEquals(Integer.parseInt(largest), GatewayConfig.resolve(Map.of(),
            Map.of(GatewaySetting.CHANNEL_CAPACITY, largest)).channelCapacity());
        final GatewayConfigException twice = assertThrows(GatewayConfigException.class, () -> GatewayConfig.resolve(
            Map.of(GatewaySetting.CHANNEL_CAPACITY.envName(), Long.toString(2L * Integer.parseInt(largest))),
            Map.of()));
        assertTrue(twice.problems().get(0).contains("between 2 and " + largest), twice.problems().toString());
    }

    /** {@code pitgun gateway} on a free loopback port with its data in {@code dataDir} and {@code settings}. */
    private static CliRun gateway(final Path dataDir, final String... settings)
    {
        final List<String> args = new ArrayList<>(List.of("gateway", "--bind", "127.0.0.1:0", "--data-dir",
            dataDir.toString()));
        args.addAll(List.of(settings));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void shouldNameTheSettingsThatSizeMemoryWhenTheStartRunsOutOfIt(@org.junit.jupiter.api.io.TempDir final
        java.nio.file.Path dir) throws Exception
    {
        // A JVM of its own, with a heap far too small for 16777216 remembered event_ids.
        final java.util.List<String> command = new java.util.ArrayList<>();
        command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String argument : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("-D") || argument.startsWith("--enable-"))
            {
                command.add(argument);
            }
        }
        command.addAll(java.util.List.of("-Xmx96m", "-cp", System.getProperty("java.class.path"),
            PitgunCommand.class.getName(), "gateway", "--bind", "127.0.0.1:0", "--data-dir",
            dir.resolve("data").toString(), "--idempotency-entries", "16777216"));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), output);
        assertEquals(1, process.exitValue(), output);
        assertTrue(output.contains("cannot start: java.lang.OutOfMemoryError") &&
            output.contains("PITGUN_GATEWAY_IDEMPOTENCY_ENTRIES=16777216 event_ids, on the heap") &&
            output.contains("PITGUN_GATEWAY_CHANNEL_CAPACITY=4096 ring slots"), output);
    }

    private static GatewayCommand parse(final String... args)
    {
        final CommandLine commandLine = PitgunCommand.newCommandLine();
        final CommandLine.ParseResult result = commandLine.parseArgs(args);
        return (GatewayCommand)result.subcommand().commandSpec().userObject();
    }

    /**
     * A gateway whose journal failed under it refused every frame since; stopped by SIGTERM it used to exit 0 like a
     * clean stop, so a supervisor or a script that judges a stop by its status took that run for a good one. The
     * status a signal exits with is {@link GatewayCommand#exitStatus} after the drain ({@code SignalExit}).
     */
    @Test
    @Timeout(60)
    void shouldExitOneAfterTheDrainWhenTheJournalFailedWhileRunning(@TempDir final Path dataDir) throws Exception
    {
        final GatewayServer server = LoopbackGateway.start(dataDir);
        final GatewayClient client = new GatewayClient(server.address().getPort());
        final String session = UUID.randomUUID().toString();
        assertEquals(202, client.beacon(batch(session, 0)).statusCode());
        // The journal goes away under the idle stage (as a failing disk would make it): its next append fails.
        server.pipeline().journal().orElseThrow().close();
        assertEquals(503, client.beacon(batch(session, 2)).statusCode());
        final ILoggingEvent stopped = shutdownLoggingTheStop(server);

        final StringWriter err = new StringWriter();
        assertEquals(1, GatewayCommand.exitStatus(server, new PrintWriter(err)));
        assertTrue(err.toString().startsWith("pitgun gateway: the journal failed while the gateway ran or stopped ("),
            err.toString());
        assertTrue(err.toString().contains("none of them was acknowledged (refused 503 journal_failed)"),
            err.toString());
        // The log says so too: before, "journal closed" at INFO, as for a clean stop.
        assertEquals(Level.ERROR, stopped.getLevel(), stopped.toString());
        assertTrue(stopped.getFormattedMessage().contains(", but the journal failed while the gateway ran or " +
            "stopped ("), stopped.getFormattedMessage());
    }

    /**
     * A stop that cannot journal that the pipeline drained ({@code PipelineDrained}: here the disk has less than half
     * the free-space headroom left, which not even the pipeline's provenance may use) is not a clean stop: a replay,
     * and every reader of the journal, takes the run for one killed and leaves out the summaries the drain emitted.
     * The stop says so on standard error and exits 1. Before, it exited 0 after a stage error in the log.
     */
    @Test
    @Timeout(120)
    void shouldExitOneWhenTheStopCannotJournalThatThePipelineDrained(@TempDir final Path dir) throws Exception
    {
        final int tmpfsMib = 24;
        final long minFreeBytes = 2L << 20;
        final SmallTmpfs tmpfs = SmallTmpfs.mount(dir.resolve("tmpfs"), tmpfsMib);
        try
        {
            final Path dataDir = tmpfs.path().resolve("data");
            final ILoggingEvent stopped;
            final GatewayServer server = LoopbackGateway.start(dataDir,
                Map.of(GatewaySetting.JOURNAL_MIN_FREE_BYTES, Long.toString(minFreeBytes)));
            try
            {
                final GatewayClient client = new GatewayClient(server.address().getPort());
                assertEquals(202, client.beacon(batch(UUID.randomUUID().toString(), 0)).statusCode());
                // The pretoucher populates up to 8 MiB ahead of the writer: let it get there before the filler takes
                // the rest, or the two would race for the space (as GatewayDiskFullIntegrationTest does).
                Await.until("the pretoucher has populated its pages ahead (or is off)", () ->
                    Files.getFileStore(tmpfs.path()).getUsableSpace() <= ((long)tmpfsMib << 20) -
                        (JournalPretouchAgent.DEFAULT_AHEAD_BYTES - JournalPretouchAgent.STEP_BYTES) ||
                        client.metricOrNaN("pitgun_journal_pretouch_disabled_total") > 0);
                tmpfs.fillLeaving(tmpfs.path().resolve("filler"), minFreeBytes / 4);
                // The drain's entry is judged on the last measurement (taken every 20 ms): stopping before one saw
                // the filler let it be journaled now and then (the stop exited 0). The scrape measures when due.
                Await.until("the gateway measured the disk below half its headroom", () ->
                    client.metricOrNaN("pitgun_journal_usable_bytes") < minFreeBytes / 2);
            }
            finally
            {
                stopped = shutdownLoggingTheStop(server);
            }

            final StringWriter err = new StringWriter();
            assertEquals(1, GatewayCommand.exitStatus(server, new PrintWriter(err)), err.toString());
            assertTrue(err.toString().startsWith("pitgun gateway: the stop could not journal that the pipeline " +
                "drained (") && err.toString().contains("a replay takes this run for one killed"), err.toString());
            // The log says so too: before, "journal closed" at INFO, as for a clean stop, the stage error above it.
            assertEquals(Level.ERROR, stopped.getLevel(), stopped.toString());
            assertTrue(stopped.getFormattedMessage().contains(", but the stop could not journal that the pipeline " +
                "drained (") && stopped.getFormattedMessage().contains("a replay takes this run for one killed"),
                stopped.getFormattedMessage());
            try (Journal journal = Journal.open(JournalConfig.readOnly(dataDir.resolve("journal"))))
            {
                assertEquals(0, JournalStatsCollector.collect(journal, ProgressListener.NONE).pipelinesDrained());
            }
        }
        finally
        {
            tmpfs.close();
        }
    }

    @Test
    @Timeout(60)
    void shouldExitZeroAfterACleanDrain(@TempDir final Path dataDir) throws Exception
    {
        final GatewayServer server = LoopbackGateway.start(dataDir);
        final GatewayClient client = new GatewayClient(server.address().getPort());
        assertEquals(202, client.beacon(batch(UUID.randomUUID().toString(), 0)).statusCode());
        final ILoggingEvent stopped = shutdownLoggingTheStop(server);

        final StringWriter err = new StringWriter();
        assertEquals(0, GatewayCommand.exitStatus(server, new PrintWriter(err)));
        assertEquals("", err.toString());
        assertEquals(Level.INFO, stopped.getLevel(), stopped.toString());
        assertEquals("pitgun gateway stopped: 2 frames published, journal closed", stopped.getFormattedMessage());
    }

    /** Stops the gateway and returns what it logged as stopped (the last line of its stop). */
    private static ILoggingEvent shutdownLoggingTheStop(final GatewayServer server)
    {
        final Logger log = (Logger)LoggerFactory.getLogger(GatewayServer.class);
        final Level level = log.getLevel();
        log.setLevel(Level.INFO); // the CLI's logback.xml logs WARN and above: a clean stop's line is INFO
        final ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try
        {
            server.shutdown();
        }
        finally
        {
            log.detachAppender(logged);
            log.setLevel(level);
        }
        final List<ILoggingEvent> stops = logged.list.stream()
            .filter(event -> event.getFormattedMessage().startsWith("pitgun gateway stopped: ")).toList();
        assertEquals(1, stops.size(), logged.list.toString());
        return stops.get(0);
    }

    /** The journal in a data directory the gateway creates is not readable by other local users. */
    @Test
    @Timeout(60)
    void shouldCreateItsDataDirectoryForItsUserAlone(@TempDir final Path dir) throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final GatewayServer server = LoopbackGateway.start(dataDir);
        try
        {
            assertEquals(202, new GatewayClient(server.address().getPort())
                .beacon(batch(UUID.randomUUID().toString(), 0)).statusCode());
        }
        finally
        {
            server.shutdown();
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
    }

    private static String batch(final String session, final long first)
    {
        return EnvelopeJson.batch(UUID.randomUUID(), "2026-12-06T10:00:00Z", session, first, 2, 1,
            sequence -> 1_780_000_000_000_000L + sequence * 1_000);
    }
}
