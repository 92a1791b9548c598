package io.pitgun.solver.json;

/**
 * Writes indented JSON (two spaces) into a string. Callers nest {@code begin…}/{@code end…} calls; the
 * writer places commas, colons and line breaks. Doubles go through {@link DoubleToDecimal}.
 */
public final class JsonWriter
{
    private final StringBuilder out = new StringBuilder(4096);
    private int depth;
    private boolean firstInContainer = true;
    private boolean afterName;
    /** Depth at which an inline array was opened, or -1: its scalars stay on one line. */
    private int inlineDepth = -1;

    public JsonWriter beginObject()
    {
        beforeValue();
        out.append('{');
        depth++;
        firstInContainer = true;
        return this;
    }

    public JsonWriter endObject()
    {
        return end('}');
    }

    public JsonWriter beginArray()
    {
        beforeValue();
        out.append('[');
        depth++;
        firstInContainer = true;
        return this;
    }

    public JsonWriter endArray()
    {
        return end(']');
    }

    /** Opens an array whose (scalar) elements are written on one line: {@code [1, 2, 3]}. */
    public JsonWriter beginInlineArray()
    {
        beginArray();
        inlineDepth = depth;
        return this;
    }

    public JsonWriter name(final String name)
    {
        beforeValue();
        writeString(name);
        out.append(": ");
        afterName = true;
        return this;
    }

    public JsonWriter value(final String value)
    {
        beforeValue();
        writeString(value);
        return this;
    }

    public JsonWriter value(final double value)
    {
        beforeValue();
        out.append(DoubleToDecimal.format(value));
        return this;
    }

    public JsonWriter value(final boolean value)
    {
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter value(final long value)
    {
        beforeValue();
        out.append(value);
        return this;
    }

    /** The document written so far, with a final line break. */
    public String toJson()
    {
        return out.toString() + "\n";
    }

    private JsonWriter end(final char close)
    {
        final boolean inline = depth == inlineDepth;
        depth--;
        if (inline)
        {
            inlineDepth = -1;
        }
        else if (!firstInContainer)
        {
            newLine();
        }
        out.append(close);
        firstInContainer = false;
        return this;
    }

    private void beforeValue()
    {
        if (afterName)
        {
            afterName = false;
            return;
        }
        if (depth > 0 && depth == inlineDepth)
        {
            if (!firstInContainer)
            {
                out.append(", ");
            }
        }
        else if (depth > 0)
        {
            if (!firstInContainer)
            {
                out.append(',');
            }
            newLine();
        }
        firstInContainer = false;
    }

    private void newLine()
    {
        out.append('\n');
        for (int i = 0; i < depth; i++)
        {
            out.append("  ");
        }
    }

    private void writeString(final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        final String hex = Integer.toHexString(c);
                        out.append("\\u");
                        for (int pad = hex.length(); pad < 4; pad++)
                        {
                            out.append('0');
                        }
                        out.append(hex);
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
