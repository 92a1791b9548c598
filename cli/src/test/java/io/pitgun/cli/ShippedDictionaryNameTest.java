package io.pitgun.cli;

import io.pitgun.testsupport.SimV1Variant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dictionary file that takes a shipped dictionary's name ({@code sim.v1}) with channels of its own is refused
 * wherever a dictionary file is given (the gateway's start, {@code dictionary check}, the journal tools): the
 * journal records a dictionary's name only, so the tools and a hive later read such a gateway's frames with the
 * shipped {@code sim.v1}, whose levels leave public a channel the file made restricted. An unchanged copy is
 * accepted.
 */
class ShippedDictionaryNameTest
{
    private static final String REFUSAL = "name 'sim.v1' is that of the dictionary shipped with Pitgun, but its " +
        "channel 1 'Engine_RPM' has access restricted, not the shipped public";

    @TempDir
    Path dir;

    @Test
    void shouldRefuseToStartAGatewayWithAnEditedCopyOfAShippedDictionary() throws Exception
    {
        final Path edited = SimV1Variant.write(dir.resolve("sim.v1.yaml"), "sim.v1", "Engine_RPM");
        final Path data = dir.resolve("data");

        final CliRun run = CliRun.of("gateway", "--bind", "127.0.0.1:0", "--data-dir", data.toString(),
            "--dictionary", edited.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(edited + ": " + REFUSAL), run.err());
        assertTrue(run.err().contains("give this dictionary a name of its own"), run.err());
        assertFalse(run.out().contains("listening"), run.out());
        assertFalse(Files.exists(data.resolve("journal")), "nothing was journaled under the shipped name");
    }

    @Test
    void shouldRefuseTheEditedCopyInTheDictionaryCheckAndAcceptAnUnchangedOne() throws Exception
    {
        final Path edited = SimV1Variant.write(dir.resolve("edited.yaml"), "sim.v1", "Engine_RPM");
        final Path copy = SimV1Variant.write(dir.resolve("copy.yaml"), "sim.v1");

        final CliRun refused = CliRun.of("dictionary", "check", edited.toString());
        assertEquals(1, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains(REFUSAL), refused.err());

        final CliRun accepted = CliRun.of("dictionary", "check", copy.toString());
        assertEquals(0, accepted.exitCode(), accepted.out() + accepted.err());
    }

    @Test
    void shouldNameAChannelTheCopyAddsOrLacks() throws Exception
    {
        final Path copy = SimV1Variant.write(dir.resolve("copy.yaml"), "sim.v1");
        final String text = Files.readString(copy);
        final Path added = dir.resolve("added.yaml");
        Files.writeString(added, text + "  - id: 200\n    name: Team_Secret\n    unit: \"1\"\n    data_type: f64\n" +
            "    range: { min: 0, max: 1 }\n    dimension: dimensionless\n    access: restricted\n" +
            "    description: Ours.\n");

        final CliRun run = CliRun.of("dictionary", "check", added.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("name 'sim.v1' is that of the dictionary shipped with Pitgun, but it adds " +
            "channel 200 'Team_Secret'"), run.err());
    }
}
