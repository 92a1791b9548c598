package io.pitgun.gateway;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.pitgun.journal.JournalSpaceGuard;
import io.pitgun.schemas.SchemaId;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The read-only endpoints ({@code GET} or {@code HEAD}): {@code /} (what is served), {@code /health},
 * {@code /metrics}, {@code /latency}, {@code /dictionary[/name][/channel]}, {@code /schemas[/name/version]} (and the
 * seed's {@code /schemas/metrics-dictionary/name}), the solver page under {@code /solver/}, the live page
 * ({@code /live}, and {@code /} for a browser), and the 404 for any
 * other path. Each answer is built from memory (documents read at start, counters, latency
 * snapshots), never from the journal or a file, so it is safe on the event loop. Shared by all connections.
 */
final class AdminEndpoints
{
    private final GatewayServer server;
    private final GatewayConfig config;

    /** Where the seed looks a dictionary up: {@code /schemas/metrics-dictionary/sim.v1}. */
    private static final String DICTIONARY_AS_SCHEMA = "/schemas/metrics-dictionary/";
    /** The solver page's Web Worker script: its policy lets it compile the WebAssembly module. */
    private static final String SOLVER_WORKER = "/solver/solver-worker.js";
    /** What {@code GET /} lists: method, path, what it is. */
    private static final String[][] ENDPOINTS = {
        {"POST", "/beacon", "ingest pitgun-envelope-v1 envelopes (JSON, one or several)"},
        {"GET", "/ws", "WebSocket: ingest (JSON text, SBE binary); ?subscribe=derived streams derived frames"},
        {"GET", "/health", "liveness and readiness: 200 ok, 503 degraded or draining, with reasons"},
        {"GET", "/metrics", "Prometheus counters, gauges and latency"},
        {"GET", "/latency", "HdrHistogram latency of each stage (.hgrm, or ?format=hlog)"},
        {"GET", "/dictionary", "the dictionary served; /dictionary/{name} the whole, /dictionary/{channel} one channel"},
        {"GET", "/schemas", "the public JSON Schemas; /schemas/{name}/{version} one schema"},
        {"GET", "/solver/", "the race-strategy solver in the browser (WebAssembly)"},
        {"GET", "/live", "the live page: strip charts, laps and lap comparison of a session (also / for browsers)"},
    };

    AdminEndpoints(final GatewayServer server)
    {
        this.server = server;
        this.config = server.config();
    }

    /** Answers a {@code GET} or {@code HEAD} of {@code exchange.path}. */
    void onRequest(final HttpExchange exchange)
    {
        final String path = exchange.path;
        if (path.equals("/"))
        {
            // A browser (it asks for HTML) gets the live page; tools keep getting the JSON list of endpoints. Either
            // answer depends on Accept, so a cache must key on it (RFC 9110 12.5.5).
            exchange.vary = RootNegotiation.VARY;
            if (RootNegotiation.servesPage(exchange.request.headers().get(HttpHeaderNames.ACCEPT)))
            {
                server.livePage().onRequest(exchange, path);
            }
            else
            {
                exchange.json(GatewayCounters.Endpoint.OTHER, 200, index());
            }
        }
        else if (LivePage.serves(path))
        {
            server.livePage().onRequest(exchange, path);
        }
        else if (path.equals("/health"))
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
        else if (path.equals("/schemas") || path.equals("/schemas/"))
        {
            exchange.json(GatewayCounters.Endpoint.SCHEMAS, 200, schemaList());
        }
        else if (path.startsWith(DICTIONARY_AS_SCHEMA) &&
            server.dictionaryDocuments().document(path.substring(DICTIONARY_AS_SCHEMA.length())) != null)
        {
            // The seed's URL form: a dictionary is served where its contract's schema lives.
            dictionary(exchange, path.substring(DICTIONARY_AS_SCHEMA.length()));
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
                "; GET / lists the endpoints", false);
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
        JsonText.key(out, "ingest_queue_limit").append(config.ingestQueue());
        final JournalSpaceGuard guard = server.health().spaceGuard();
        if (guard != null)
        {
            JsonText.key(out.append(','), "journal_min_free_bytes").append(guard.minFreeBytes());
        }
        if (exchange.readsTrafficCounts)
        {
            // Everyone's volume and timing (docs/security.md): with tokens on, for a metrics token only, as at
            // /metrics. Before, anyone who could reach /health read them, e.g. how many frames of restricted
            // channels alone a producer sent, which no subscriber without read_restricted is told.
            JsonText.key(out.append(','), "ingest_queue").append(server.counters().inFlightEnvelopes());
            JsonText.key(out.append(','), "frames_published").append(server.counters().framesAccepted());
            if (guard != null)
            {
                // Measured by the journal stage; read here from memory.
                JsonText.key(out.append(','), "journal_usable_bytes").append(guard.usableBytes());
            }
            JsonText.key(out.append(','), "journaled_sequence").append(server.pipeline().journaledSequence());
        }
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
            exchange.error(GatewayCounters.Endpoint.LATENCY, 400, RejectReason.BAD_PARAMETER, result.error(), false);
            return;
        }
        exchange.send(GatewayCounters.Endpoint.LATENCY, 200, LatencyExport.TEXT, result.body(), null, 0, 0, 0);
    }

    /** {@code /dictionary/{name}}: the dictionary; {@code /dictionary/{channel}} or {@code {name}/{channel}}: one entry. */
    private void dictionary(final HttpExchange exchange, final String rest)
    {
        final DictionaryDocuments documents = server.dictionaryDocuments();
        final String document = documents.document(rest);
        if (document != null)
        {
            exchange.json(GatewayCounters.Endpoint.DICTIONARY, 200, document);
            return;
        }
        final String prefix = documents.name() + "/";
        final String channelName = rest.startsWith(prefix) ? rest.substring(prefix.length()) : rest;
        final String channel = documents.channel(channelName);
        if (channel != null)
        {
            exchange.json(GatewayCounters.Endpoint.DICTIONARY, 200, channel);
            return;
        }
        final String near = documents.suggestions(channelName);
        exchange.error(GatewayCounters.Endpoint.DICTIONARY, 404, RejectReason.NOT_FOUND, "no dictionary or channel '" +
            rest + "'; this gateway serves dictionary " + documents.name() +
            (near.isEmpty() ? "" : " (channels near it: " + near + ")"), false);
    }

    private String index()
    {
        final StringBuilder out = new StringBuilder(1024).append('{');
        JsonText.key(out, "service");
        JsonText.quote(out, "pitgun-gateway").append(',');
        JsonText.key(out, "dictionary");
        JsonText.quote(out, "/dictionary/" + server.dictionaryDocuments().name()).append(',');
        JsonText.key(out, "endpoints").append('[');
        for (int i = 0; i < ENDPOINTS.length; i++)
        {
            out.append(i == 0 ? "{" : ",{");
            JsonText.key(out, "method");
            JsonText.quote(out, ENDPOINTS[i][0]).append(',');
            JsonText.key(out, "path");
            JsonText.quote(out, ENDPOINTS[i][1]).append(',');
            JsonText.key(out, "description");
            JsonText.quote(out, ENDPOINTS[i][2]).append('}');
        }
        return out.append("]}").toString();
    }

    private String schemaList()
    {
        final StringBuilder out = new StringBuilder(1024).append('{');
        JsonText.key(out, "schemas").append('[');
        boolean first = true;
        final List<SchemaId> ids = new ArrayList<>(server.schemas().ids());
        ids.sort(Comparator.comparing(SchemaId::toString));
        for (final SchemaId id : ids)
        {
            out.append(first ? "{" : ",{");
            first = false;
            JsonText.key(out, "id");
            JsonText.quote(out, id.toString()).append(',');
            JsonText.key(out, "href");
            JsonText.quote(out, "/schemas/" + id).append('}');
        }
        return out.append("]}").toString();
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
            exchange.fileNotFound(GatewayCounters.Endpoint.SOLVER, "no such file of the solver page");
            return;
        }
        final FullHttpResponse response = HttpExchange.response(200, resource.contentType(),
            Unpooled.wrappedBuffer(resource.bytes()));
        PageHeaders.apply(response.headers(), resource.contentType().startsWith("text/html")
            ? PageHeaders.SOLVER_PAGE : path.equals(SOLVER_WORKER) ? PageHeaders.SOLVER_WORKER : PageHeaders.NOTHING);
        exchange.write(GatewayCounters.Endpoint.SOLVER, response, null, 0, 0, false);
    }
}
