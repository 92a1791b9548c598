package io.pitgun.cli;

import io.pitgun.engine.CountersFile;
import io.pitgun.engine.CountersFileDescriptor;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code pitgun stat DIR}: maps the counters file of a running (or stopped) gateway in data directory {@code DIR}
 * and prints every counter, once or every {@code --interval-s} seconds, like Aeron's {@code AeronStat}. It only
 * reads: the gateway is not slowed or disturbed.
 */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    description = {
        "Print the live counters of the gateway whose data directory is DIR (its " + CountersFileDescriptor.FILE_NAME +
            "), one line per counter: id, value, label.",
        "Works on a running gateway (from another process) and on a stopped one (its last values)."
    },
    exitCodeList = {"0:printed", "1:DIR holds no readable counters file"})
final class StatCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "DIR", description = "The gateway's data directory (PITGUN_GATEWAY_DATA_DIR), "
        + "or the counters file itself.")
    Path directory;

    @Option(names = "--interval-s", paramLabel = "SECONDS", description = "Print again every SECONDS seconds until " +
        "stopped (default: print once).")
    Integer intervalS;

    @Option(names = "--count", paramLabel = "N", description = "With --interval-s: stop after N printouts " +
        "(default: until stopped).")
    Integer count;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException
    {
        if (intervalS != null && intervalS < 1 || count != null && count < 1)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--interval-s and --count must be 1 or more");
        }
        final Path file = Files.isDirectory(directory) ? directory.resolve(CountersFileDescriptor.FILE_NAME) : directory;
        final CountersReader reader;
        final CountersFile.Writer writer;
        try
        {
            reader = CountersFile.openReader(file);
            writer = CountersFile.writerOf(file);
        }
        catch (final UncheckedIOException | IllegalStateException ex)
        {
            spec.commandLine().getErr().println("pitgun stat: " + ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        final PrintWriter out = spec.commandLine().getOut();
        final int printouts = intervalS == null ? 1 : count == null ? Integer.MAX_VALUE : count;
        for (int i = 0; i < printouts; i++)
        {
            if (i > 0)
            {
                TimeUnit.SECONDS.sleep(intervalS);
            }
            print(out, file, writer, reader);
        }
        return 0;
    }

    private static void print(final PrintWriter out, final Path file, final CountersFile.Writer writer,
        final CountersReader reader)
    {
        out.println("# " + Instant.now() + " " + file + " - pid " + writer.pid() + " started " +
            Instant.ofEpochMilli(writer.startTimeMs()) + (writer.isRunning() ? ", running" : ", not running"));
        reader.forEach((value, counterId, label) -> out.printf("%4d %20d  %s%n", counterId, value, label));
        out.flush();
    }
}
