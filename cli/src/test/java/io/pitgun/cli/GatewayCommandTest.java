package io.pitgun.cli;

import io.pitgun.gateway.GatewayConfig;
import io.pitgun.gateway.GatewaySetting;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pitgun gateway}'s flags come from {@link GatewaySetting}: help, switches and values. */
class GatewayCommandTest
{
    @Test
    void shouldListEverySettingWithItsMeaningEnvironmentVariableAndDefaultInHelp()
    {
        final CliRun run = CliRun.of("gateway", "--help");
        assertEquals(0, run.exitCode(), run.err());
        // Picocli wraps at 80 columns, inside paths too: compare without white space.
        final String help = run.out().replaceAll("\\s+", "");
        for (final GatewaySetting setting : GatewaySetting.values())
        {
            assertTrue(help.contains(setting.flag() + (setting.isSwitch() ? "[=1|0]" : "=VALUE")), setting.flag());
            final String expected = setting.description() + ". Env " + setting.envName() + "; default: " +
                (setting.defaultValue().isEmpty() ? "none" : setting.defaultValue()) + ".";
            assertTrue(help.contains(expected.replaceAll("\\s+", "")), setting + ":\n" + run.out());
        }
    }

    @Test
    void shouldTakeASwitchGivenAloneAsOne()
    {
        final GatewayCommand command = parse("gateway", "--insecure", "--bind", "0.0.0.0:0");
        final Map<GatewaySetting, String> flags = command.flags();
        assertEquals("1", flags.get(GatewaySetting.INSECURE));
        assertTrue(GatewayConfig.resolve(Map.of(), flags).security().insecure());
    }

    @Test
    void shouldTakeASwitchWithAnExplicitValue()
    {
        final Map<GatewaySetting, String> flags = parse("gateway", "--insecure=0").flags();
        assertFalse(GatewayConfig.resolve(Map.of(), flags).security().insecure());
    }

    @Test
    void shouldPassValueFlagsThroughAndLeaveTheRestToTheEnvironment()
    {
        final Map<GatewaySetting, String> flags = parse("gateway", "--channel-capacity", "64", "--data-dir", "d")
            .flags();
        assertEquals(Map.of(GatewaySetting.CHANNEL_CAPACITY, "64", GatewaySetting.DATA_DIR, "d"), flags);
        assertEquals(64, GatewayConfig.resolve(Map.of(), flags).channelCapacity());
    }

    @Test
    void shouldAcceptTheDeprecatedRingSlotsFlagAsChannelCapacity()
    {
        final Map<GatewaySetting, String> flags = parse("gateway", "--ring-slots=128").flags();
        assertEquals(Map.of(GatewaySetting.CHANNEL_CAPACITY, "128"), flags);
        assertEquals(128, GatewayConfig.resolve(Map.of(), flags).channelCapacity());
        assertEquals(Map.of(GatewaySetting.CHANNEL_CAPACITY, "64"),
            parse("gateway", "--ring-slots=128", "--channel-capacity=64").flags(), "the new name wins");
    }

    private static GatewayCommand parse(final String... args)
    {
        final CommandLine commandLine = PitgunCommand.newCommandLine();
        final CommandLine.ParseResult result = commandLine.parseArgs(args);
        return (GatewayCommand)result.subcommand().commandSpec().userObject();
    }
}
