package io.pitgun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pitgun report}: groups the report subcommands. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Render reports from files Pitgun wrote.",
    subcommands = {ReportLatencyCommand.class})
final class ReportCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
