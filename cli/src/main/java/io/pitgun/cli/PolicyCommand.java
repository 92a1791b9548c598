package io.pitgun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pitgun policy}: tuning-policy tools ({@code sign}, {@code verify}). Only wires the subcommands. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Sign and verify tuning policies (tuning-policy/v1; docs/security.md).",
    subcommands = {PolicySignCommand.class, PolicyVerifyCommand.class})
final class PolicyCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
