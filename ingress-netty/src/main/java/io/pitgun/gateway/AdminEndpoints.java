package io.pitgun.gateway;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.pitgun.journal.JournalSpaceGuard;
import io.pitgun.schemas.SchemaId;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The read-only endpoints ({@code GET} or {@code HEAD}): {@code /health}, {@code /metrics}, {@code /latency},
 * {@code /dictionary[/name]}, {@code /schemas/name/version} and the solver page under {@code /solver/}, and the
 * 404 for any other path. Each answer is built from memory (documents read at start, counters, latency
 * snapshots), never from the journal or a file, so it is safe on the event loop. Shared by all connections.
 */
final class AdminEndpoints
{
    private final GatewayServer server;
    private final GatewayConfig config;

    AdminEndpoints(final GatewayServer server)
    {
        this.server = server;
        this.config = server.config();
    }

    /** Answers a {@code GET} or {@code HEAD} of {@code exchange.path}. */
    void onRequest(final HttpExchange exchange)
    {
        final String path = exchange.path;
        if (path.equals("/health"))
        {
            health(exchange);
        }
        else if (path.equals("/metrics"))
        {
            exchange.send(GatewayCounters.Endpoint.METRICS, 200, PrometheusTextWriter.CONTENT_TYPE,
                server.metrics().render().getBytes(StandardCharsets.UTF_8), null, 0, 0, 0);
        }
        else if (path.equals("/latency"))
        {
            latency(exchange);
        }
        else if (path.equals("/dictionary") || path.equals("/dictionary/"))
        {
            exchange.json(GatewayCounters.Endpoint.DICTIONARY, 200, server.dictionaryDocuments().index());
        }
        else if (path.startsWith("/dictionary/"))
        {
            dictionary(exchange, path.substring("/dictionary/".length()));
        }
        else if (path.startsWith("/schemas/"))
        {
            schema(exchange, path.substring("/schemas/".length()));
        }
        else if (path.equals("/solver"))
        {
            exchange.redirect(GatewayCounters.Endpoint.SOLVER, "/solver/");
        }
        else if (path.startsWith("/solver/"))
        {
            solverFile(exchange, path);
        }
        else
        {
            exchange.error(GatewayCounters.Endpoint.OTHER, 404, RejectReason.NOT_FOUND, "no such endpoint " + path +
                "; try /health, /metrics, /latency, /dictionary, /schemas/<name>/<version>, /solver/, POST /beacon, GET /ws", false);
        }
    }

    private void health(final HttpExchange exchange)
    {
        final boolean draining = server.isDraining();
        final List<GatewayHealth.Problem> problems = server.health().problems();
        final boolean healthy = !draining && problems.isEmpty();
        final StringBuilder out = new StringBuilder(256).append('{');
        JsonText.key(out, "status");
        JsonText.quote(out, draining ? "draining" : healthy ? "ok" : "degraded").append(',');
        JsonText.key(out, "reasons").append('[');
        for (int i = 0; i < problems.size(); i++)
        {
            final GatewayHealth.Problem problem = problems.get(i);
            out.append(i == 0 ? "{" : ",{");
            JsonText.key(out, "reason");
            JsonText.quote(out, problem.reason()).append(',');
            JsonText.key(out, "message");
            JsonText.quote(out, problem.message()).append('}');
        }
        out.append("],");
        JsonText.key(out, "transport");
        JsonText.quote(out, server.transportName()).append(',');
        JsonText.key(out, "ack_mode");
        JsonText.quote(out, config.ackMode().symbol()).append(',');
        JsonText.key(out, "dictionary");
        JsonText.quote(out, server.registry().name()).append(',');
        JsonText.key(out, "uptime_s").append(TimeUnit.NANOSECONDS.toSeconds(server.uptimeNs())).append(',');
        JsonText.key(out, "ingest_queue").append(server.counters().inFlightEnvelopes()).append(',');
        JsonText.key(out, "ingest_queue_limit").append(config.ingestQueue()).append(',');
        JsonText.key(out, "frames_published").append(server.counters().framesAccepted()).append(',');
        final JournalSpaceGuard guard = server.health().spaceGuard();
        if (guard != null)
        {
            // Measured by the journal stage; read here from memory.
            JsonText.key(out, "journal_usable_bytes").append(guard.usableBytes()).append(',');
            JsonText.key(out, "journal_min_free_bytes").append(guard.minFreeBytes()).append(',');
        }
        JsonText.key(out, "journaled_sequence").append(server.pipeline().journaledSequence());
        out.append('}');
        exchange.send(GatewayCounters.Endpoint.HEALTH, healthy ? 200 : 503, HttpExchange.JSON,
            out.toString().getBytes(StandardCharsets.UTF_8), draining ? RejectReason.DRAINING : null,
            healthy ? 0 : 5, 0, 0);
    }

    private void latency(final HttpExchange exchange)
    {
        final LatencyExport.Result result = server.latencyExport()
            .render(new QueryStringDecoder(exchange.request.uri()).parameters());
        if (result.error() != null)
        {
            server.counters().rejected(RejectReason.BAD_PARAMETER);
            exchange.error(GatewayCounters.Endpoint.LATENCY, 400, RejectReason.BAD_PARAMETER, result.error(), false);
            return;
        }
        exchange.send(GatewayCounters.Endpoint.LATENCY, 200, LatencyExport.TEXT, result.body(), null, 0, 0, 0);
    }

    private void dictionary(final HttpExchange exchange, final String name)
    {
        final String document = server.dictionaryDocuments().document(name);
        if (document == null)
        {
            exchange.error(GatewayCounters.Endpoint.DICTIONARY, 404, RejectReason.NOT_FOUND, "no dictionary '" +
                name + "'; this gateway serves " + server.dictionaryDocuments().name(), false);
            return;
        }
        exchange.json(GatewayCounters.Endpoint.DICTIONARY, 200, document);
    }

    private void schema(final HttpExchange exchange, final String id)
    {
        final SchemaId schemaId;
        try
        {
            schemaId = SchemaId.parse(id);
        }
        catch (final IllegalArgumentException ex)
        {
            exchange.error(GatewayCounters.Endpoint.SCHEMAS, 404, RejectReason.NOT_FOUND, ex.getMessage(), false);
            return;
        }
        if (!server.schemas().contains(schemaId))
        {
            exchange.error(GatewayCounters.Endpoint.SCHEMAS, 404, RejectReason.NOT_FOUND, "no schema " + schemaId +
                "; known: " + server.schemas().ids(), false);
            return;
        }
        exchange.send(GatewayCounters.Endpoint.SCHEMAS, 200, "application/schema+json",
            server.schemas().schemaText(schemaId).getBytes(StandardCharsets.UTF_8), null, 0, 0, 0);
    }

    private void solverFile(final HttpExchange exchange, final String path)
    {
        final ClasspathResources.Resource resource = server.solverFiles().find(path.substring("/solver/".length()));
        if (resource == null)
        {
            exchange.error(GatewayCounters.Endpoint.SOLVER, 404, RejectReason.NOT_FOUND, "no solver file " + path,
                false);
            return;
        }
        exchange.send(GatewayCounters.Endpoint.SOLVER, 200, resource.contentType(), resource.bytes(), null, 0, 0, 0);
    }
}
