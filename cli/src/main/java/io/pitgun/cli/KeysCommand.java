package io.pitgun.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pitgun keys}: signing keys for manifests and policies ({@code generate}). Only wires the subcommands. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Ed25519 signing keys for manifests and tuning policies (docs/security.md).",
    subcommands = {KeysGenerateCommand.class})
final class KeysCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
