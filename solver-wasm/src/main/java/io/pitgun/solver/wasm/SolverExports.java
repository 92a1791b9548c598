package io.pitgun.solver.wasm;

import io.pitgun.solver.RaceStrategySolver;
import io.pitgun.solver.RequestReader;
import io.pitgun.solver.SimulationResultWriter;
import io.pitgun.solver.SolverInputException;
import io.pitgun.solver.SolverRun;
import io.pitgun.solver.json.JsonWriter;
import org.teavm.jso.JSExport;

/**
 * Functions exported from {@code pitgun-solver.wasm}. Requests and results cross the boundary as JSON
 * strings; errors come back as {@code {"error": {"pointer": …, "message": …}}} documents (exceptions do not
 * cross into JavaScript usefully). The chunked trio {@link #begin}, {@link #runChunk}, {@link #finish} lets
 * the Web Worker report progress; {@link #solveStrategy} runs everything in one call.
 */
public final class SolverExports
{
    private static SolverRun current;

    private SolverExports()
    {
    }

    /** TeaVM needs an entry point; the module does its work through the exports. */
    public static void main(final String[] args)
    {
    }

    /** Solves a request in one call; the result or an error document. */
    @JSExport
    public static String solveStrategy(final String requestJson)
    {
        try
        {
            return RaceStrategySolver.solveStrategy(requestJson);
        }
        catch (final SolverInputException ex)
        {
            return error(ex.pointer(), ex.getMessage());
        }
    }

    /** Starts a chunked solve; returns an empty string, or an error document. */
    @JSExport
    public static String begin(final String requestJson)
    {
        try
        {
            current = new SolverRun(RequestReader.read(requestJson));
            return "";
        }
        catch (final SolverInputException ex)
        {
            current = null;
            return error(ex.pointer(), ex.getMessage());
        }
    }

    /** Total scenarios of the run started by {@link #begin}. */
    @JSExport
    public static int scenariosCount()
    {
        return current == null ? 0 : current.request().scenariosCount();
    }

    /** Simulates up to {@code maxScenarios} more scenarios; returns the number done so far. */
    @JSExport
    public static int runChunk(final int maxScenarios)
    {
        return current == null ? 0 : current.runNext(maxScenarios);
    }

    /** The result of the run once {@link #runChunk} has done every scenario. */
    @JSExport
    public static String finish()
    {
        if (current == null)
        {
            return error("", "no solve in progress");
        }
        final SolverRun run = current;
        current = null;
        return SimulationResultWriter.toJson(run.result());
    }

    private static String error(final String pointer, final String message)
    {
        return new JsonWriter()
            .beginObject()
            .name("error").beginObject()
            .name("pointer").value(pointer)
            .name("message").value(message)
            .endObject()
            .endObject()
            .toJson();
    }
}
