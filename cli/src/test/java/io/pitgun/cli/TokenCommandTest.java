package io.pitgun.cli;

import io.pitgun.gateway.Capability;
import io.pitgun.gateway.TokenFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun token add|list|revoke}: the secret is printed once and stored nowhere; list never shows it. */
class TokenCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldPrintTheTokenOnceAndStoreOnlyItsHash() throws Exception
    {
        final Path file = dir.resolve("tokens.json");
        final CliRun add = CliRun.of("token", "add", "--file", file.toString(), "--id", "ci",
            "--capability", "ingest,metrics", "--rate-limit", "50");
        assertEquals(0, add.exitCode(), add.err());
        final String token = add.out().trim();
        assertTrue(token.matches("ci\\.[A-Za-z0-9_-]{43}"), token);
        final String secret = token.substring(3);
        final String stored = Files.readString(file);
        assertFalse(stored.contains(secret), "the secret is in the file: " + stored);
        assertTrue(stored.contains("\"secret_sha256\""), stored);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(Set.of(Capability.INGEST, Capability.METRICS),
            TokenFile.read(file).byId("ci").capabilitySet());

        final CliRun list = CliRun.of("token", "list", "--file", file.toString());
        assertEquals(0, list.exitCode(), list.err());
        assertTrue(list.out().matches("(?s).*\\nci +ingest,metrics +50 +20\\d\\d-.*"), list.out());
        assertFalse(list.out().contains(secret), list.out());
    }

    /**
     * Through a symbolic link (a deployment's usual way to point at the gateway's file), revoke changes the file the
     * link names and leaves the link. Before, it replaced the link with a new file and printed "revoked": the
     * gateway's file kept the token, which went on working.
     */
    @Test
    void shouldChangeTheFileASymbolicLinkNames() throws Exception
    {
        final Path file = dir.resolve("tokens.json");
        assertEquals(0, CliRun.of("token", "add", "--file", file.toString(), "--id", "met", "--capability",
            "metrics").exitCode());
        assertEquals(0, CliRun.of("token", "add", "--file", file.toString(), "--id", "ops", "--capability",
            "metrics").exitCode());
        final Path link = Files.createSymbolicLink(dir.resolve("link.json"), file);

        final CliRun revoke = CliRun.of("token", "revoke", "--file", link.toString(), "--id", "met");

        assertEquals(0, revoke.exitCode(), revoke.err());
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertNull(TokenFile.read(file).byId("met"), "revoked in the file the gateway reads");
        assertEquals(Set.of(Capability.METRICS), TokenFile.read(file).byId("ops").capabilitySet());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        // A link made before the file exists: the first add creates the file it names.
        final Path later = dir.resolve("later.json");
        final Path early = Files.createSymbolicLink(dir.resolve("early.json"), later.getFileName());
        assertEquals(0, CliRun.of("token", "add", "--file", early.toString(), "--id", "ci", "--capability",
            "metrics").exitCode());
        assertTrue(Files.isSymbolicLink(early));
        assertEquals(Set.of(Capability.METRICS), TokenFile.read(later).byId("ci").capabilitySet());
    }

    @Test
    void shouldStoreListAndChangeATokensAllowedSessionsAndChannels() throws Exception
    {
        final Path file = dir.resolve("tokens.json");
        final CliRun add = CliRun.of("token", "add", "--file", file.toString(), "--id", "rig7", "--capability",
            "ingest", "--sessions", "0192f3a4-*,53702b3e-3e56-41a2-8834-9169ee5e991e", "--channels", "Speed,Gear");
        assertEquals(0, add.exitCode(), add.err());
        assertEquals(java.util.List.of("0192f3a4-*", "53702b3e-3e56-41a2-8834-9169ee5e991e"),
            TokenFile.read(file).byId("rig7").sessions());
        assertEquals(java.util.List.of("Speed", "Gear"), TokenFile.read(file).byId("rig7").channels());

        final CliRun list = CliRun.of("token", "list", "--file", file.toString());
        assertEquals(0, list.exitCode(), list.err());
        assertTrue(list.out().matches("(?s).*\\nrig7 +ingest +gateway +20\\S+ +0192f3a4-\\*,53702b3e-\\S+ +Speed,Gear\\n.*"),
            list.out());

        final CliRun allow = CliRun.of("token", "allow", "--file", file.toString(), "--id", "rig7", "--channels",
            "Speed");
        assertEquals(0, allow.exitCode(), allow.err());
        assertTrue(TokenFile.read(file).byId("rig7").sessions().isEmpty());
        assertEquals(java.util.List.of("Speed"), TokenFile.read(file).byId("rig7").channels());
        assertTrue(CliRun.of("token", "list", "--file", file.toString()).out().matches("(?s).*\\nrig7 .* all +Speed\\n.*"));

        final CliRun bad = CliRun.of("token", "add", "--file", file.toString(), "--id", "x", "--capability", "ingest",
            "--sessions", "team-a-*");
        assertEquals(CliErrorHandler.USAGE, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("session 'team-a-*': character 1 must be a hex digit (session ids are UUIDs)"),
            bad.err());
        final CliRun none = CliRun.of("token", "allow", "--file", file.toString(), "--id", "nobody");
        assertEquals(1, none.exitCode());
        assertTrue(none.err().contains("no token 'nobody'"), none.err());
    }

    /**
     * A value wrong in itself (a capability, an id, a rate limit, a session pattern) is a usage error, exit 2 as
     * README says for every command (before, exit 1); an id the file already holds is the file's refusal, exit 1.
     */
    @Test
    void shouldRefuseADuplicateIdAnUnknownCapabilityAndABadId()
    {
        final Path file = dir.resolve("tokens.json");
        assertEquals(0, CliRun.of("token", "add", "--file", file.toString(), "--id", "ci", "--capability", "ingest")
            .exitCode());
        final CliRun again = CliRun.of("token", "add", "--file", file.toString(), "--id", "ci", "--capability", "ingest");
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("token id 'ci' is already in"), again.err());
        final CliRun unknown = CliRun.of("token", "add", "--file", file.toString(), "--id", "x", "--capability", "root");
        assertEquals(CliErrorHandler.USAGE, unknown.exitCode(), unknown.err());
        assertTrue(unknown.err().contains("unknown capability 'root'; one of ingest, subscribe, read_restricted, " +
            "metrics, admin"), unknown.err());
        final CliRun badId = CliRun.of("token", "add", "--file", file.toString(), "--id", "a.b", "--capability", "ingest");
        assertEquals(CliErrorHandler.USAGE, badId.exitCode(), badId.err());
        assertTrue(badId.err().contains("only letters, digits"), badId.err());
        final CliRun negative = CliRun.of("token", "add", "--file", file.toString(), "--id", "y", "--capability",
            "ingest", "--rate-limit", "-5");
        assertEquals(CliErrorHandler.USAGE, negative.exitCode(), negative.err());
        assertTrue(negative.err().contains("rate limit -5 is negative"), negative.err());
        final CliRun badAllow = CliRun.of("token", "allow", "--file", file.toString(), "--id", "ci", "--sessions",
            "x*");
        assertEquals(CliErrorHandler.USAGE, badAllow.exitCode(), badAllow.err());
    }

    /**
     * A file that gives one id twice (two token files merged by hand) is refused by every command but revoke, which
     * removes every entry of the id. Before, the gateway and list took the last entry and allow changed the first:
     * {@code token allow --channels Speed} said "now allows ... channels Speed" (exit 0) and the token the gateway
     * checks still read every channel, restricted ones too.
     */
    @Test
    void shouldRefuseAFileThatGivesOneIdTwiceButRevokeIt() throws Exception
    {
        final Path file = dir.resolve("tokens.json");
        final Path other = dir.resolve("other.json");
        TokenFile.add(file, "team", Set.of(Capability.SUBSCRIBE), 0);
        TokenFile.add(other, "team", Set.of(Capability.SUBSCRIBE, Capability.READ_RESTRICTED), 0);
        final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        final com.fasterxml.jackson.databind.node.ObjectNode merged =
            (com.fasterxml.jackson.databind.node.ObjectNode)json.readTree(file.toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode)merged.get("tokens")).addAll(
            (com.fasterxml.jackson.databind.node.ArrayNode)json.readTree(other.toFile()).get("tokens"));
        Files.write(file, json.writeValueAsBytes(merged));
        final byte[] before = Files.readAllBytes(file);

        final CliRun allow = CliRun.of("token", "allow", "--file", file.toString(), "--id", "team", "--channels",
            "Speed");
        assertEquals(1, allow.exitCode(), allow.out());
        assertTrue(allow.err().contains("/tokens/1/id: 'team' is also the id of /tokens/0: one entry per id"),
            allow.err());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)), "nothing written");
        final CliRun list = CliRun.of("token", "list", "--file", file.toString());
        assertEquals(1, list.exitCode(), list.out());
        assertTrue(list.err().contains("'team' is also the id of /tokens/0"), list.err());

        final CliRun revoke = CliRun.of("token", "revoke", "--file", file.toString(), "--id", "team");
        assertEquals(0, revoke.exitCode(), revoke.err());
        assertTrue(TokenFile.read(file).tokens().isEmpty());
    }

    @Test
    void shouldRevokeATokenAndSayWhenThereIsNone()
    {
        final Path file = dir.resolve("tokens.json");
        assertEquals(0, CliRun.of("token", "add", "--file", file.toString(), "--id", "ci", "--capability", "ingest")
            .exitCode());
        assertEquals(0, CliRun.of("token", "add", "--file", file.toString(), "--id", "ops", "--capability", "admin")
            .exitCode());
        final CliRun revoke = CliRun.of("token", "revoke", "--file", file.toString(), "--id", "ci");
        assertEquals(0, revoke.exitCode(), revoke.err());
        assertNull(TokenFile.read(file).byId("ci"));
        assertNotNull(TokenFile.read(file).byId("ops"));
        final CliRun again = CliRun.of("token", "revoke", "--file", file.toString(), "--id", "ci");
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("no token 'ci'"), again.err());
    }

    @Test
    void shouldRefuseToStartANonLoopbackGatewayWithoutTokens()
    {
        final CliRun run = CliRun.of("gateway", "--bind", "0.0.0.0:0", "--data-dir", dir.resolve("data").toString());
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().contains("refusing to bind 0.0.0.0:0, which is not a loopback address, without tokens"),
            run.err());
        assertTrue(run.err().contains("--tokens-file") && run.err().contains("--insecure"), run.err());
        assertFalse(Files.exists(dir.resolve("data")), "nothing started");
    }
}
