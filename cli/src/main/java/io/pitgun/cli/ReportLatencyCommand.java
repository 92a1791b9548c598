package io.pitgun.cli;

import io.pitgun.perf.latency.LatencyReportPage;
import io.pitgun.perf.latency.PercentileDistribution;
import io.pitgun.perf.latency.PercentilePlotSvg;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pitgun report latency FILE... --out report.html}: one self-contained HTML page plotting HdrHistogram
 * percentile distributions ({@code .hgrm}) and interval logs ({@code .hlog}, one series per tag) side by side.
 */
@Command(
    name = "latency",
    mixinStandardHelpOptions = true,
    description = {
        "Plot HdrHistogram latency files side by side in one self-contained HTML page (SVG).",
        "FILE is a percentile distribution (.hgrm, values in µs as Pitgun writes them) or an interval log " +
            "(.hlog, values in ns; one series per tag)."},
    exitCodeList = {"0:the page was written", "1:a file cannot be read, or the page cannot be written"})
final class ReportLatencyCommand implements Callable<Integer>
{
    @Parameters(arity = "1..*", paramLabel = "FILE", description = ".hgrm or .hlog files.")
    List<Path> files;

    @Option(names = "--out", required = true, paramLabel = "HTML", description = "The page to write (overwritten).")
    Path out;

    @Option(names = "--svg", paramLabel = "SVG",
        description = "Also write the plot alone as a standalone SVG file (overwritten), e.g. for a README.")
    Path svg;

    @Option(names = "--title", paramLabel = "TEXT", defaultValue = "Pitgun latency",
        description = "Page title (default: ${DEFAULT-VALUE}).")
    String title;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter err = spec.commandLine().getErr();
        final List<PercentileDistribution> series = new ArrayList<>();
        for (final Path file : files)
        {
            if (!Files.isRegularFile(file))
            {
                // A directory (a shell glob's parent given by mistake) is there: "no such file" sent users looking.
                err.println("pitgun report latency: " + file + (Files.isDirectory(file) ?
                    ": is a directory, not an .hgrm or .hlog file" : ": no such file"));
                return CliErrorHandler.FAILED;
            }
            try
            {
                if (file.getFileName().toString().endsWith(".hlog"))
                {
                    series.addAll(PercentileDistribution.readHlog(file));
                }
                else
                {
                    series.add(PercentileDistribution.readHgrm(file));
                }
            }
            catch (final IllegalArgumentException ex)
            {
                err.println("pitgun report latency: " + ex.getMessage());
                return CliErrorHandler.FAILED;
            }
            catch (final CharacterCodingException ex)
            {
                // Its own message is "Input length = 1", which names neither the file nor the problem.
                err.println("pitgun report latency: " + file + ": file is not valid UTF-8 text");
                return CliErrorHandler.FAILED;
            }
        }
        write(out, title, series);
        spec.commandLine().getOut().println("wrote " + out.toAbsolutePath() + " (" + series.size() + " series)");
        if (svg != null)
        {
            final Path parent = svg.toAbsolutePath().getParent();
            if (parent != null)
            {
                Files.createDirectories(parent);
            }
            Files.writeString(svg, PercentilePlotSvg.render(title, series, "µs"), StandardCharsets.UTF_8);
            spec.commandLine().getOut().println("wrote " + svg.toAbsolutePath());
        }
        return 0;
    }

    /** Renders and writes the page; shared with {@code pitgun demo}. */
    static void write(final Path out, final String title, final List<PercentileDistribution> series) throws IOException
    {
        final Path parent = out.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        Files.writeString(out, LatencyReportPage.render(title, series, "µs"), StandardCharsets.UTF_8);
    }
}
