package io.pitgun.gateway;

import io.pitgun.engine.HdrFiles;
import io.pitgun.engine.LatencyInterval;
import io.pitgun.engine.LatencyStage;
import io.pitgun.engine.PipelineLatency;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code GET /latency?stage=journaled|processed&format=hgrm|hlog}: the pipeline's per-stage latency in
 * HdrHistogram's own formats, written by {@link HdrFiles} exactly as the CLI writes its files, so a body saved with
 * {@code curl -o x.hgrm} is read by {@code pitgun report latency} and HdrHistogram's tools.
 *
 * <ul>
 *   <li>{@code format=hgrm} (default): the stage's percentile distribution since the pipeline started, in
 *   microseconds; {@code stage} defaults to {@code processed} (publish → manifest, segment and sinks done: the
 *   whole pipeline; {@code journaled} is publish → appended to the journal).</li>
 *   <li>{@code format=hlog}: an interval log in nanoseconds with both stages as tagged histograms
 *   ({@code publish_to_journaled}, {@code publish_to_processed}): one interval per second for the last
 *   {@link PipelineLatency#RETAINED_INTERVALS} seconds (older ones are dropped: the history is bounded), then
 *   the current, partial second. A {@code stage} keeps only that stage's intervals.</li>
 * </ul>
 *
 * <p>Cold path: built on request from snapshots; the stage threads keep recording wait-free meanwhile.
 */
final class LatencyExport
{
    /** The {@code stage} parameter's values, in the order the error message lists them. */
    static final List<String> STAGES = List.of("journaled", "processed");
    /** The {@code format} parameter's values. */
    static final List<String> FORMATS = List.of("hgrm", "hlog");
    static final String DEFAULT_STAGE = "processed";
    static final String TEXT = "text/plain; charset=utf-8";

    /** A body to answer with, or the message of a 400 naming the bad parameter. */
    record Result(byte[] body, String error)
    {
    }

    private final PipelineLatency latency;

    LatencyExport(final PipelineLatency latency)
    {
        this.latency = latency;
    }

    /** Answers a request with these query parameters (as {@code QueryStringDecoder} gives them). */
    Result render(final Map<String, List<String>> parameters)
    {
        for (final Map.Entry<String, List<String>> p : parameters.entrySet())
        {
            if (!p.getKey().equals("stage") && !p.getKey().equals("format"))
            {
                return error("unknown query parameter '" + p.getKey() + "'; /latency takes stage=" +
                    String.join("|", STAGES) + " and format=" + String.join("|", FORMATS));
            }
            if (p.getValue().size() != 1)
            {
                return error("query parameter '" + p.getKey() + "' is given " + p.getValue().size() +
                    " times; give it once");
            }
        }
        final String format = single(parameters, "format", "hgrm");
        if (!FORMATS.contains(format))
        {
            return error("format '" + format + "' is not one of " + String.join(", ", FORMATS));
        }
        final String stage = single(parameters, "stage", null);
        if (stage != null && !STAGES.contains(stage))
        {
            return error("stage '" + stage + "' is not one of " + String.join(", ", STAGES) + " (default " +
                DEFAULT_STAGE + ")");
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        if (format.equals("hlog"))
        {
            final List<LatencyInterval> intervals = new ArrayList<>();
            for (final LatencyInterval interval : latency.intervals(System.currentTimeMillis()))
            {
                if (stage == null || interval.stage() == stageOf(stage))
                {
                    intervals.add(interval);
                }
            }
            final String tags = stage == null ? LatencyStage.PUBLISH_TO_JOURNALED.logTag() + ", " +
                LatencyStage.PUBLISH_TO_PROCESSED.logTag() : stageOf(stage).logTag();
            HdrFiles.writeIntervalLog(out, "[pitgun gateway latency log, nanoseconds; tags: " + tags +
                "; one-second intervals, at most the last " + PipelineLatency.RETAINED_INTERVALS + "]",
                latency.startMs(), intervals);
        }
        else
        {
            HdrFiles.writePercentiles(out, latency.snapshot(stageOf(stage == null ? DEFAULT_STAGE : stage)));
        }
        return new Result(out.toByteArray(), null);
    }

    private static LatencyStage stageOf(final String stage)
    {
        return stage.equals("journaled") ? LatencyStage.PUBLISH_TO_JOURNALED : LatencyStage.PUBLISH_TO_PROCESSED;
    }

    private static String single(final Map<String, List<String>> parameters, final String name, final String absent)
    {
        final List<String> values = parameters.get(name);
        return values == null ? absent : values.get(0);
    }

    private static Result error(final String message)
    {
        return new Result(null, message);
    }
}
