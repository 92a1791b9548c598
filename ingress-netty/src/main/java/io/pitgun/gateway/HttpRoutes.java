package io.pitgun.gateway;

/**
 * Where {@link GatewayHttpHandler} sends each request, made once per server and shared by every connection (each
 * part keeps no per-connection state).
 *
 * @param admin    {@code GET}/{@code HEAD} of the read-only endpoints and the 404.
 * @param beacon   {@code POST /beacon}.
 * @param upgrade  {@code GET /ws}.
 * @param failures what goes wrong below the endpoints.
 */
record HttpRoutes(AdminEndpoints admin, BeaconEndpoint beacon, WebSocketUpgrade upgrade, HttpFailureAnswers failures)
{
    HttpRoutes(final GatewayServer server)
    {
        this(new AdminEndpoints(server), new BeaconEndpoint(server), new WebSocketUpgrade(server),
            new HttpFailureAnswers(server));
    }
}
