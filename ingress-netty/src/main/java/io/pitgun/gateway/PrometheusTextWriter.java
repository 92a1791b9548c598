package io.pitgun.gateway;

/**
 * Writes the Prometheus text exposition format 0.0.4: a {@code # HELP} and {@code # TYPE} line once per metric
 * family, then its samples; label values escaped ({@code \\}, {@code "}, newline). Values are written as Java
 * prints them ({@code NaN}, {@code +Inf} spelled as Prometheus expects).
 */
final class PrometheusTextWriter
{
    /** The content type of the format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(8192);

    /** Starts a family. */
    PrometheusTextWriter family(final String name, final String type, final String help)
    {
        out.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++)
        {
            final char c = help.charAt(i);
            if (c == '\\')
            {
                out.append("\\\\");
            }
            else if (c == '\n')
            {
                out.append("\\n");
            }
            else
            {
                out.append(c);
            }
        }
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample; {@code labels} alternate names and values. */
    PrometheusTextWriter sample(final String name, final double value, final String... labels)
    {
        out.append(name);
        if (labels.length > 0)
        {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2)
            {
                out.append(i == 0 ? "" : ",").append(labels[i]).append("=\"");
                final String v = labels[i + 1];
                for (int j = 0; j < v.length(); j++)
                {
                    final char c = v.charAt(j);
                    if (c == '\\' || c == '"')
                    {
                        out.append('\\').append(c);
                    }
                    else if (c == '\n')
                    {
                        out.append("\\n");
                    }
                    else
                    {
                        out.append(c);
                    }
                }
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ');
        if (Double.isNaN(value))
        {
            out.append("NaN");
        }
        else if (Double.isInfinite(value))
        {
            out.append(value > 0 ? "+Inf" : "-Inf");
        }
        else if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            out.append((long)value);
        }
        else
        {
            out.append(value);
        }
        out.append('\n');
        return this;
    }

    @Override
    public String toString()
    {
        return out.toString();
    }
}
