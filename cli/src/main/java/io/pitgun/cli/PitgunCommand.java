package io.pitgun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one {@code pitgun} command. Each subcommand lives in its own class; this class only wires them.
 */
@Command(
    name = "pitgun",
    mixinStandardHelpOptions = true,
    versionProvider = PitgunVersion.class,
    description = "Manifest-driven, low-latency telemetry runtime.",
    subcommands = {
        ValidateCommand.class,
        ManifestCommand.class,
        KeysCommand.class,
        PolicyCommand.class,
        InsightCommand.class,
        DictionaryCommand.class,
        SolveCommand.class,
        GatewayCommand.class,
        TokenCommand.class,
        HiveCommand.class,
        JournalCommand.class,
        ReplayCommand.class,
        SimulateCommand.class,
        F1UdpSimCommand.class,
        DemoCommand.class,
        LoadgenCommand.class,
        ReportCommand.class,
        StatCommand.class,
        RunsCommand.class,
        CommandLine.HelpCommand.class
    })
public final class PitgunCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(System.out);
    }

    public static void main(final String[] args)
    {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the CLI tests. */
    public static CommandLine newCommandLine()
    {
        final CommandLine commandLine = new CommandLine(new PitgunCommand());
        commandLine.setExecutionExceptionHandler(new CliErrorHandler());
        GatewayCommand.addSettingOptions(commandLine.getSubcommands().get("gateway").getCommandSpec());
        return commandLine;
    }
}
