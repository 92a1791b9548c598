package io.pitgun.cli;

import io.pitgun.gateway.GatewaySetting;
import io.pitgun.sinks.PostgresSink;
import io.pitgun.sinks.RunsReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code pitgun runs}: the runs and laps the PostgreSQL sink ({@code PITGUN_GATEWAY_POSTGRES_URL}) holds, read from its
 * {@code runs} and {@code laps} views (docs/storage.md).
 */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = {
        "List the runs (one source of one session under one manifest) and their laps that a gateway's PostgreSQL " +
            "sink wrote, newest first: laps, best lap, whether the session ended, then each lap's time and frames."
    },
    exitCodeList = {"0:printed (also when there are no runs)", "1:no URL, or the database could not be read"})
final class RunsCommand implements Callable<Integer>
{
    @Option(names = "--url", paramLabel = "URL", description = "JDBC URL of the database (default: the environment's " +
        "PITGUN_GATEWAY_POSTGRES_URL), e.g. jdbc:postgresql://127.0.0.1:5432/pitgun?user=pitgun")
    String url;

    @Option(names = "--session", paramLabel = "S", description = "Only the runs of session S (a UUID).")
    UUID session;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        final String jdbcUrl = url != null ? url : System.getenv(GatewaySetting.POSTGRES_URL.envName());
        if (jdbcUrl == null || jdbcUrl.isBlank())
        {
            throw CliErrorHandler.usageError(spec, "pitgun runs: give --url or set " +
                GatewaySetting.POSTGRES_URL.envName());
        }
        try
        {
            RunsReport.print(jdbcUrl, session, spec.commandLine().getOut());
            return 0;
        }
        catch (final SQLException ex)
        {
            spec.commandLine().getErr().println("pitgun runs: " + PostgresSink.redacted(jdbcUrl) + ": " +
                ex.getMessage());
            return CliErrorHandler.FAILED;
        }
    }
}
