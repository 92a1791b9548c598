package io.pitgun.gateway;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The settings table of {@code docs/gateway.md} is generated from {@link GatewaySetting}: this test fails when the
 * two disagree, and writes the table the descriptors give to {@code target/gateway-settings.md} to paste in.
 */
class GatewaySettingsDocTest
{
    static final String BEGIN = "<!-- settings table: generated from GatewaySetting, checked by GatewaySettingsDocTest -->";
    static final String END = "<!-- end of settings table -->";
    private static final Path DOC = Path.of("..", "docs", "gateway.md");

    @Test
    void shouldDocumentEverySettingAsItsDescriptorSays() throws Exception
    {
        final String expected = table();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "gateway-settings.md"), expected);
        final String doc = Files.readString(DOC);
        final int begin = doc.indexOf(BEGIN);
        final int end = doc.indexOf(END);
        assertTrue(begin >= 0 && end > begin, DOC + " lacks the markers " + BEGIN + " ... " + END);
        assertEquals(expected, doc.substring(begin + BEGIN.length() + 1, end),
            DOC + "'s settings table disagrees with GatewaySetting; target/gateway-settings.md holds the right one");
    }

    /** The Markdown table, one row per setting in declaration order. */
    static String table()
    {
        final StringBuilder table = new StringBuilder("| variable | flag | default | meaning |\n|---|---|---|---|\n");
        for (final GatewaySetting setting : GatewaySetting.values())
        {
            final String formerly = setting.aliasEnvName() == null ? "" : " (deprecated: `" + setting.aliasEnvName() + "`)";
            final String formerlyFlag = setting.aliasFlag() == null ? "" : " (deprecated: `" + setting.aliasFlag() + "`)";
            table.append("| `").append(setting.envName()).append('`').append(formerly).append(" | `")
                .append(setting.flag()).append('`').append(formerlyFlag).append(" | ")
                .append(setting.defaultValue().isEmpty() ? "—" : "`" + setting.defaultValue() + "`").append(" | ")
                .append(setting.description().replace("|", "\\|")).append(" |\n");
        }
        return table.toString();
    }
}
