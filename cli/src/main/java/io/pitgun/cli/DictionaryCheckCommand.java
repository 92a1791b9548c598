package io.pitgun.cli;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pitgun dictionary check FILE}: loads a dictionary (or a seed registry) as the gateway would and says
 * whether it can be used; problems and warnings go to stderr, one a line.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Check a dictionary (metrics-dictionary/v1, or a seed registry) as the gateway reads it. " +
        "What a seed registry leaves out is defaulted and printed as a warning. " +
        "Prints the SHA-256 of its meaning, which a journal written with it records (journal dump's " +
        "dictionary_meaning_sha256).",
    exitCodeList = {"0:the dictionary can be used",
        "1:it cannot (each problem is printed with its location), or cannot be read"})
final class DictionaryCheckCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "FILE", description = "The dictionary (.yaml, .yml or .json).")
    Path file;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        final ParameterRegistry registry = DictionaryCommand.load(file, spec.commandLine().getErr());
        if (registry == null)
        {
            return CliErrorHandler.FAILED;
        }
        spec.commandLine().getOut().println(file + ": OK, dictionary '" + registry.name() + "', " +
            registry.parameters().size() + " channels" +
            (registry.warnings().isEmpty() ? "" : ", " + registry.warnings().size() + " warnings"));
        // What a journal written with it records (journal dump's dictionary_meaning_sha256): which file is a journal's.
        spec.commandLine().getOut().println("meaning SHA-256 " + registry.meaningSha256Hex());
        return 0;
    }
}
