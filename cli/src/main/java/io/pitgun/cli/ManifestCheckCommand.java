package io.pitgun.cli;

import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pitgun manifest check FILE [--dictionary D]}: validates and compiles a manifest (bytecode included) and
 * prints its execution plan; problems go to stderr as {@code file:line:column: reason} with a caret.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Validate and compile a manifest, then print its execution plan.",
    exitCodeList = {"0:the manifest is valid (its plan is printed)",
        "1:it is invalid or cannot be read (each problem is printed with its location)"})
final class ManifestCheckCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "FILE", description = "The manifest (.yaml, .yml or .json).")
    Path file;

    @Option(names = "--dictionary", paramLabel = "D",
        description = "Dictionary file the channel names refer to (default: the shipped sim.v1).")
    Path dictionary;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        final CompiledManifest compiled;
        try
        {
            compiled = ManifestCommand.compile(file, dictionary);
            compiled.newProgram();
        }
        catch (final ManifestException ex)
        {
            spec.commandLine().getErr().println(ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        spec.commandLine().getOut().print(compiled.describe());
        spec.commandLine().getOut().println(file + ": OK");
        return 0;
    }
}
