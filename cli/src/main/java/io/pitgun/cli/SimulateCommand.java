package io.pitgun.cli;

import io.pitgun.replay.sim.SessionGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pitgun simulate}: writes a simulated session CSV (the generator of {@code datasets/sim-session-monza.csv}).
 * The defaults reproduce the shipped sample byte for byte.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = "Simulate laps of a car on a Monza-like circuit at 100 Hz and write them as a replayable CSV " +
        "(every sim.v1 channel). The defaults regenerate datasets/sim-session-monza.csv byte for byte.",
    exitCodeList = {"0:written", "1:the CSV cannot be written"})
final class SimulateCommand implements Callable<Integer>
{
    @Option(names = "--output", required = true, paramLabel = "FILE",
        description = "CSV file to write (gzip when it ends in .gz, as replay reads it).")
    Path output;

    @Option(names = "--seed", defaultValue = "" + SessionGenerator.SAMPLE_SEED,
        description = "Seed of driver variation and sensor noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--laps", defaultValue = "" + SessionGenerator.SAMPLE_LAPS,
        description = "Timed laps after the out-lap (default: ${DEFAULT-VALUE}).")
    int laps;

    @Option(names = "--start-us", defaultValue = "" + SessionGenerator.SAMPLE_START_US,
        description = "Capture time of the first row, µs since the epoch (default: ${DEFAULT-VALUE}, 2026-04-11T12:00:00Z).")
    long startUs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final long rows = generator().write(output);
        System.out.println(output + ": " + rows + " rows, " + laps + " laps (seed " + seed + ")");
        return 0;
    }

    /**
     * The generator of these options: a lap count or a start time out of its range is a command line wrong in itself,
     * so a usage error (exit 2, with the usage); a session that runs past the contract's last time is found while
     * writing (exit 1).
     */
    private SessionGenerator generator()
    {
        try
        {
            return new SessionGenerator(seed, laps, startUs);
        }
        catch (final IllegalArgumentException ex)
        {
            throw CliErrorHandler.usageError(spec, "pitgun simulate: " + ex.getMessage());
        }
    }
}
