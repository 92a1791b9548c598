package io.pitgun.gateway;

import io.pitgun.testsupport.GeneratedDocBlock;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

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
        GeneratedDocBlock.assertMatches(DOC, BEGIN, END, table(), "gateway-settings.md");
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
