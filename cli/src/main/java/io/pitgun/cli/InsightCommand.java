package io.pitgun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pitgun insight}: insight tools ({@code verify}). Only wires the subcommands. */
@Command(
    name = "insight",
    mixinStandardHelpOptions = true,
    description = "Check insights (insight-contract/v1) against the journal and manifest they name.",
    subcommands = {InsightVerifyCommand.class})
final class InsightCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
