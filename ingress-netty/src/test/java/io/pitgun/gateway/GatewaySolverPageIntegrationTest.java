package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The solver page's files as the gateway serves them under {@code /solver/}: the same security headers as the live
 * page (docs/security.md), a policy that lets only the Web Worker compile WebAssembly, and 404s that do not echo
 * the path. That the page works under these headers is {@code SolverPageBrowserTest}'s (module cli).
 */
class GatewaySolverPageIntegrationTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldServeEveryFileWithNosniffAPolicyAndNoFraming() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            for (final String path : List.of("/solver/", "/solver/index.html", "/solver/app.js", "/solver/solver.css",
                "/solver/solver-worker.js", "/solver/pitgun-solver.js", "/solver/pitgun-solver.wasm",
                "/solver/pitgun-solver.wasm-runtime.js", "/solver/example-request.json"))
            {
                final HttpResponse<String> file = gateway.get(path);
                assertEquals(200, file.statusCode(), path);
                assertEquals("nosniff", file.headers().firstValue("x-content-type-options").orElse(""), path);
                assertEquals("no-referrer", file.headers().firstValue("referrer-policy").orElse(""), path);
                final String policy = file.headers().firstValue("content-security-policy").orElse("");
                assertTrue(policy.startsWith("default-src 'none';") && policy.contains("frame-ancestors 'none'"),
                    path + ": " + policy);
                // Only the worker compiles the module and runs TeaVM's generated glue.
                assertEquals(path.equals("/solver/solver-worker.js"), policy.contains("'wasm-unsafe-eval'"), path + ": " + policy);
                assertEquals(path.equals("/solver/solver-worker.js"), policy.contains("'unsafe-eval'"), path + ": " + policy);
            }
            final String page = gateway.get("/solver/").headers().firstValue("content-security-policy").orElse("");
            assertTrue(page.contains("script-src 'self';") && page.contains("worker-src 'self'")
                && page.contains("style-src 'self';"), page);
            assertEquals("application/wasm",
                gateway.get("/solver/pitgun-solver.wasm").headers().firstValue("content-type").orElse(""));
        }
    }

    @Test
    void shouldAnswerAMissingFileWithNosniffAndWithoutEchoingThePath() throws Exception
    {
        try (GatewayHarness gateway = new GatewayHarness(dataDir, Map.of()))
        {
            for (final String path : List.of("/solver/%3Cscript%3Ealert(1)%3C%2Fscript%3E.html", "/solver/missing.js",
                "/live/missing-file.js"))
            {
                final HttpResponse<String> missing = gateway.get(path);
                assertEquals(404, missing.statusCode(), path);
                assertEquals("nosniff", missing.headers().firstValue("x-content-type-options").orElse(""), path);
                assertTrue(missing.headers().firstValue("content-security-policy").orElse("")
                    .contains("frame-ancestors 'none'"), path);
                assertFalse(missing.body().contains("script") || missing.body().contains("missing"), missing.body());
                assertTrue(missing.body().contains("\"reason\":\"not_found\""), missing.body());
            }
        }
    }
}
