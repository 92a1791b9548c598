package io.pitgun.testsupport;

/**
 * A pipeline manifest within every limit the validator checks whose per-frame program is too long to compile into
 * one method, nor into one class file's 64 KiB method: sixteen derived channels (Long0 to Long15), each a sum of 250
 * terms of Speed and Torque_Nm (sim.v1), about 3,500 characters (a formula may have 8,192, and be 256 operators deep).
 */
public final class LongFormulaManifest
{
    private LongFormulaManifest()
    {
    }

    /** The manifest's YAML text. */
    public static String yaml()
    {
        final StringBuilder yaml = new StringBuilder("version: v1\npipeline:\n  - type: formula\n    derived_channels:\n");
        for (int channel = 0; channel < 16; channel++)
        {
            final StringBuilder expr = new StringBuilder("Speed");
            for (int term = 0; term < 250; term++)
            {
                expr.append(term % 2 == 0 ? " + Torque_Nm * " : " - Speed * ").append(term % 10);
            }
            yaml.append("      - name: Long").append(channel).append("\n        expr: \"").append(expr).append("\"\n");
        }
        return yaml.toString();
    }
}
