package io.pitgun.cli;

import io.pitgun.codecs.dictionary.DictionaryException;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code pitgun dictionary}: the dictionary tools ({@code check}, {@code import}). Only wires the subcommands and
 * shares how a dictionary file is loaded and its problems and warnings are printed.
 */
@Command(
    name = "dictionary",
    mixinStandardHelpOptions = true,
    description = "Check dictionaries (metrics-dictionary/v1) and import seed registries into that format.",
    subcommands = {DictionaryCheckCommand.class, DictionaryImportCommand.class})
final class DictionaryCommand implements Runnable
{
    private static final java.util.regex.Pattern LOCATION = java.util.regex.Pattern.compile("\\d+:\\d+: ");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code FILE:line:column: problem} when the problem has a position, else {@code FILE: problem}. */
    static String located(final Path file, final String problem)
    {
        return file + (LOCATION.matcher(problem).lookingAt() ? ":" : ": ") + problem;
    }

    /**
     * Loads {@code file}, printing its warnings as {@code FILE: warning: ...} on {@code err}; on problems prints
     * each as {@code FILE: ...} and returns null.
     */
    static ParameterRegistry load(final Path file, final PrintWriter err)
    {
        final ParameterRegistry registry;
        try
        {
            registry = ParameterRegistry.load(file);
        }
        catch (final DictionaryException ex)
        {
            ex.problems().forEach(problem -> err.println(located(file, problem)));
            return null;
        }
        registry.warnings().forEach(warning -> err.println(file + ": warning: " + warning));
        return registry;
    }
}
