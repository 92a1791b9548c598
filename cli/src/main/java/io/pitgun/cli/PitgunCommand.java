package io.pitgun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

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
        useLocaleIndependentOutput();
        final CommandLine commandLine = newCommandLine();
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
        System.exit(commandLine.execute(args));
    }

    /**
     * Makes what the CLI prints the same in every locale: UTF-8 on stdout and stderr, numbers and messages as in
     * {@link Locale#ROOT}. JDK 17 takes its default charset from the locale (UTF-8 only from JDK 18 on), which is
     * ASCII under {@code LC_ALL=C}, without {@code LANG}, or with a {@code LANG} whose locale is not installed (as
     * in most container images): {@code journal dump} then printed a session's label {@code Montréal} as
     * {@code Montr?al} (JSON mangled, exit 0), and under {@code de_DE} {@code journal stats} printed 3,000 frames as
     * {@code 3.000}, {@code stat} (whose lines scripts match) Arabic-Indic digits under {@code ar_EG}. The files the
     * commands write were UTF-8 already; {@code bin/pitgun} also runs Java under a UTF-8 locale, which file names
     * need (their charset is fixed at JVM start).
     */
    static void useLocaleIndependentOutput()
    {
        Locale.setDefault(Locale.ROOT);
        System.setOut(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), true,
            StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.err)), true,
            StandardCharsets.UTF_8));
    }

    /** The configured command line, shared by {@link #main} and the CLI tests. */
    public static CommandLine newCommandLine()
    {
        final CommandLine commandLine = new CommandLine(new PitgunCommand());
        commandLine.setExecutionExceptionHandler(new CliErrorHandler());
        GatewayCommand.addSettingOptions(commandLine.getSubcommands().get("gateway").getCommandSpec());
        CliErrorHandler.listExitCodes(commandLine);
        return commandLine;
    }
}
