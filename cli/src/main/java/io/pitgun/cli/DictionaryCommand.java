package io.pitgun.cli;

import io.pitgun.codecs.dictionary.DictionaryException;
import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.schemas.SourceExcerpt;
import io.pitgun.schemas.TextLocation;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern LOCATION = Pattern.compile("(\\d+):(\\d+): ");

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
     * Prints each problem of {@code file} as {@link #located}; one with a position is followed, as {@code validate}
     * prints a schema problem, by its line of {@code text} (null: the file could not be read) and a caret.
     */
    static void report(final Path file, final String text, final List<String> problems, final PrintWriter err)
    {
        for (final String problem : problems)
        {
            err.println(OneLine.of(located(file, problem)));
            final Matcher location = LOCATION.matcher(problem);
            if (text != null && location.lookingAt())
            {
                final String excerpt = SourceExcerpt.render(text,
                    new TextLocation(Integer.parseInt(location.group(1)), Integer.parseInt(location.group(2))));
                err.println("    " + excerpt.replace(System.lineSeparator(), System.lineSeparator() + "    "));
            }
        }
    }

    /**
     * Loads {@code file}, printing its warnings as {@code FILE: warning: ...} on {@code err}; on problems prints
     * each as {@link #report} does and returns null.
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
            report(file, textForExcerpts(file), ex.problems(), err);
            return null;
        }
        registry.warnings().forEach(warning -> err.println(file + ": warning: " + warning));
        return registry;
    }

    // Only to quote lines under the problems the registry found in what it read: a file that cannot be read again
    // (its problem is then "cannot read") is reported without them.
    private static String textForExcerpts(final Path file)
    {
        try
        {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
