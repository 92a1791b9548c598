package io.pitgun.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.schemas.DocumentException;
import io.pitgun.schemas.DocumentFormat;
import io.pitgun.schemas.DocumentReader;
import io.pitgun.schemas.ParsedDocument;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import io.pitgun.schemas.SchemaProblem;
import io.pitgun.schemas.TextLocation;
import io.pitgun.solver.ParallelSolver;
import io.pitgun.solver.SolverInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pitgun solve}: validates a {@code risk-analysis-request/v1} document, runs the Monte Carlo
 * race-strategy solver on several threads and prints the {@code simulation-result/v1} document. The
 * result is the same for any thread count, and the same as the solver page's WebAssembly build gives.
 */
@Command(
    name = "solve",
    mixinStandardHelpOptions = true,
    description = {
        "Run the Monte Carlo race-strategy solver on a risk-analysis-request/v1 document (JSON or YAML)"
            + " and prints the simulation-result/v1 document.",
        "The result depends only on the request (including its seed), not on --threads."
    },
    exitCodeList = {"0:solved", "1:the request is unreadable or invalid (each problem is printed with its location)"})
public final class SolveCommand implements Callable<Integer>
{
    static final SchemaId REQUEST_SCHEMA = SchemaId.parse("risk-analysis-request/v1");
    private static final String STDIN = "-";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REQUEST", description = "risk-analysis-request/v1 file (.json, .yaml), or - for standard input (JSON)")
    String request;

    @Option(names = "--threads", paramLabel = "N",
        description = "Solver threads (default: available processors, ${DEFAULT-VALUE} here).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the result to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() throws IOException
    {
        if (threads < 1)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1, was " + threads);
        }
        final PrintWriter err = spec.commandLine().getErr();
        final ParsedDocument document;
        try
        {
            document = STDIN.equals(request) ? readStandardInput() : DocumentReader.read(Path.of(request));
        }
        catch (final DocumentException ex)
        {
            err.println(ex.getMessage());
            return 1;
        }

        final List<SchemaProblem> problems = SchemaCatalog.standard().validate(REQUEST_SCHEMA, document.root());
        if (!problems.isEmpty())
        {
            err.println(document.path() + ": not a valid " + REQUEST_SCHEMA + " document:");
            for (final SchemaProblem problem : problems)
            {
                report(err, document, problem.pointer(), problem.message() + " [" + problem.keyword() + "]");
            }
            return 1;
        }

        final String result;
        try
        {
            result = ParallelSolver.solve(jsonText(document), threads);
        }
        catch (final SolverInputException ex)
        {
            report(err, document, ex.pointer(), ex.getMessage());
            return 1;
        }

        if (output == null)
        {
            final PrintWriter out = spec.commandLine().getOut();
            out.print(result);
            out.flush();
        }
        else
        {
            Files.writeString(output, result, StandardCharsets.UTF_8);
        }
        return 0;
    }

    private ParsedDocument readStandardInput() throws IOException, DocumentException
    {
        final InputStream in = System.in;
        final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return DocumentReader.parse(Path.of("<stdin>"), text, DocumentFormat.JSON);
    }

    /** The solver reads JSON only: a YAML request is re-serialised (every double keeps its exact value). */
    private static String jsonText(final ParsedDocument document) throws JsonProcessingException
    {
        return document.format() == DocumentFormat.JSON
            ? document.text() : new ObjectMapper().writeValueAsString(document.root());
    }

    private static void report(final PrintWriter err, final ParsedDocument document, final String pointer, final String message)
    {
        final TextLocation location = document.locateNearest(pointer);
        err.println(document.path() + ":" + location + ": " + (pointer.isEmpty() ? "/" : pointer) + ": " + message);
        err.println(document.excerpt(location));
    }
}
