package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How an {@code Authorization} value is read against a token file, and what a token file must hold. */
class TokenSnapshotTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAuthenticateOnlyTheExactSecretOfAKnownId()
    {
        final Path file = dir.resolve("tokens.json");
        final String token = TokenFile.add(file, "ci", EnumSet.of(Capability.INGEST), 0);
        final TokenSnapshot tokens = TokenFile.read(file);
        final TokenHasher hasher = new TokenHasher();
        assertEquals("ci", tokens.authenticate("Bearer " + token, hasher).id());
        assertEquals("ci", tokens.authenticate("bearer  " + token + " ", hasher).id(), "scheme in any case, spaces");
        assertNull(tokens.authenticate(token, hasher), "no scheme");
        assertNull(tokens.authenticate("Basic " + token, hasher));
        assertNull(tokens.authenticate("Bearer " + token + "x", hasher));
        assertNull(tokens.authenticate("Bearer " + token.substring(0, token.length() - 1), hasher));
        assertNull(tokens.authenticate("Bearer ci.", hasher));
        assertNull(tokens.authenticate("Bearer ci", hasher));
        assertNull(tokens.authenticate("Bearer .secret", hasher));
        assertNull(tokens.authenticate("Bearer ci." + "a".repeat(300), hasher), "longer than any secret");
        assertNull(tokens.authenticate("Bearer ci.sécret", hasher), "not ASCII");
        assertNull(tokens.authenticate("Bearer other" + token.substring(2), hasher), "another id");
        assertNull(tokens.authenticate(null, hasher));
    }

    @Test
    void shouldNameWhatIsWrongWithATokenFile() throws Exception
    {
        final Path file = dir.resolve("tokens.json");
        Files.writeString(file, "{\"tokens\": []}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenFile.read(file)).getMessage()
            .contains("not a token file"));
        Files.writeString(file, "{\"format\":\"pitgun-tokens/v1\",\"tokens\":[{\"id\":\"a\",\"secret_sha256\":\"00\"," +
            "\"capabilities\":[\"ingest\"]}]}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenFile.read(file)).getMessage()
            .contains("/tokens/0/secret_sha256: must be 64 hex digits"));
        Files.writeString(file, "{\"format\":\"pitgun-tokens/v1\",\"tokens\":[{\"id\":\"a\",\"secret_sha256\":\"" +
            "0".repeat(64) + "\",\"capabilities\":[\"root\"]}]}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenFile.read(file)).getMessage()
            .contains("/tokens/0/capabilities: unknown capability 'root'"));
    }

    @Test
    void shouldReadWebSocketSubprotocolTokens()
    {
        assertEquals("Bearer ci.abc", ConnectionAccess.subprotocolToken("pitgun, pitgun.bearer.ci.abc"));
        assertNull(ConnectionAccess.subprotocolToken("pitgun"));
        assertNull(ConnectionAccess.subprotocolToken(null));
    }

    @Test
    void shouldWriteAddressesOnceAndLeaveTokenIdsAlone()
    {
        assertEquals("0:0:0:0:0:0:0:1", ClientAddresses.canonical("::1"));
        assertEquals("0:0:0:0:0:0:0:1", ClientAddresses.canonical("[::1]"));
        assertEquals("10.1.2.3", ClientAddresses.canonical("10.1.2.3"));
        assertEquals("ci-rig", ClientAddresses.canonical("ci-rig"));
        assertEquals("example.com", ClientAddresses.canonical("example.com"), "never resolved");
        assertEquals("1234", ClientAddresses.canonical("1234"), "a numeric token id is not an address");
    }
}
