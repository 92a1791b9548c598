package io.pitgun.cli;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalException;
import io.pitgun.journal.JournalVerifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code pitgun journal verify DIR}: every entry must decode as a Pitgun SBE message; exit 1 naming the first bad one. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Read every entry and check that it is a well-formed Pitgun SBE message. Oldest cycle files "
        + "deleted (to free disk space) are not damage: the journal starts at the first file left, as stderr says.",
    exitCodeList = {"0:every entry is well-formed",
        "1:an entry is not (the first bad entry's index is named), or the journal cannot be opened"})
final class JournalVerifyCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
    Path directory;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        final JournalVerifier.Result result;
        try (Journal journal = JournalCommand.openReadOnly(directory))
        {
            JournalCommand.noteMissingFiles(journal, directory, spec.commandLine().getErr());
            result = JournalVerifier.verify(journal, JournalCommand.progress(spec, "verify"));
        }
        catch (final JournalException ex)
        {
            spec.commandLine().getErr().println("pitgun journal verify: " + ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        if (result.ok())
        {
            spec.commandLine().getOut().println(String.format("%s: OK, %,d entries checked", directory,
                result.entriesChecked()));
            return 0;
        }
        spec.commandLine().getErr().println(directory + ": bad entry at index " + result.firstBadIndex() + ": " +
            result.firstProblem());
        spec.commandLine().getErr().println(String.format("%s: DAMAGED, %,d bad entr%s in %,d checked%s", directory,
            result.badEntries(), result.badEntries() == 1 ? "y" : "ies", result.entriesChecked(),
            result.stoppedEarly() ? "; stopped at the unreadable entry, later entries not checked" : ""));
        return CliErrorHandler.FAILED;
    }
}
