package io.pitgun.cli;

import io.pitgun.gateway.Capability;
import io.pitgun.gateway.GatewayServer;
import io.pitgun.gateway.GatewaySetting;
import io.pitgun.gateway.TokenFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun loadgen} against a gateway with a token file: the token comes from a file or PITGUN_TOKEN. */
class LoadgenTokenTest
{
    @TempDir
    Path dir;

    @Test
    void shouldLoadATokenProtectedGatewayWithTheTokenFromAFile() throws Exception
    {
        final Path tokens = dir.resolve("tokens.json");
        final String token = TokenFile.add(tokens, "loadgen", EnumSet.of(Capability.INGEST), 0);
        final Path tokenFile = Files.writeString(dir.resolve("loadgen.token"), token + "\n");
        final GatewayServer server = LoopbackGateway.start(dir.resolve("data"),
            Map.of(GatewaySetting.TOKENS_FILE, tokens.toString()));
        try
        {
            final String target = "http://127.0.0.1:" + server.address().getPort();
            final CliRun refused = CliRun.of("loadgen", "--target", target, "--rate", "20", "--duration", "1",
                "--drain", "5", "--out", dir.resolve("none").toString());
            assertEquals(1, refused.exitCode(), refused.out() + refused.err());
            assertTrue(refused.out().contains("accepted 0"), refused.out());

            for (final String mode : new String[] {"http", "ws-binary"})
            {
                final CliRun run = CliRun.of("loadgen", "--target", target, "--mode", mode, "--rate", "50",
                    "--duration", "1", "--token-file", tokenFile.toString(), "--out", dir.resolve(mode).toString());
                assertEquals(0, run.exitCode(), run.out() + run.err());
                assertTrue(run.out().contains("sent 50, accepted 50, refused or failed 0"), run.out());
                assertFalse((run.out() + run.err()).contains(token.substring(token.indexOf('.') + 1)),
                    "the secret was printed");
            }
            assertEquals(100, server.counters().framesAccepted());
        }
        finally
        {
            server.shutdown();
        }
    }

    @Test
    void shouldTakeTheTokenFromTheEnvironmentAndRefuseAFileWithoutOne() throws Exception
    {
        final LoadgenCommand command = new LoadgenCommand();
        assertNull(command.resolveToken("ci.s3cret"));
        assertEquals("ci.s3cret", command.token);
        assertNull(command.resolveToken(null));
        assertNull(command.token);

        command.tokenFile = Files.writeString(dir.resolve("wrong.token"), "not-a-token-s3cret\n");
        final String problem = command.resolveToken("ci.s3cret");
        assertTrue(problem.contains("does not hold a token (ID.SECRET"), problem);
        assertFalse(problem.contains("s3cret"), "the value was printed: " + problem);
        command.tokenFile = dir.resolve("missing.token");
        assertTrue(command.resolveToken(null).contains("cannot be read"));
    }
}
