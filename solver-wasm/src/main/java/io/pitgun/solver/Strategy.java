package io.pitgun.solver;

/**
 * A race strategy: the compound of each stint and the laps at whose end the car pits.
 * {@code pitLaps.length == compounds.length - 1}, strictly increasing, each in [1, laps - 1].
 */
public final class Strategy
{
    private final String name;
    private final int[] compounds;
    private final int[] pitLaps;

    public Strategy(final String name, final int[] compounds, final int[] pitLaps)
    {
        this.name = name;
        this.compounds = compounds.clone();
        this.pitLaps = pitLaps.clone();
    }

    /** The conventional name, e.g. {@code medium-hard@24}: compounds in order, then the pit laps. */
    public static String defaultName(final CanonicalConfig config, final int[] compounds, final int[] pitLaps)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < compounds.length; i++)
        {
            if (i > 0)
            {
                sb.append('-');
            }
            sb.append(config.compounds().get(compounds[i]).name());
        }
        for (int i = 0; i < pitLaps.length; i++)
        {
            sb.append(i == 0 ? '@' : '/').append(pitLaps[i]);
        }
        return sb.toString();
    }

    public String name()
    {
        return name;
    }

    public int stintCount()
    {
        return compounds.length;
    }

    /** Compound index (into the config's compounds) of stint {@code stint}. */
    public int compound(final int stint)
    {
        return compounds[stint];
    }

    /** The lap at whose end stop {@code stop} (0-based) happens. */
    public int pitLap(final int stop)
    {
        return pitLaps[stop];
    }

    public int stopCount()
    {
        return pitLaps.length;
    }
}
