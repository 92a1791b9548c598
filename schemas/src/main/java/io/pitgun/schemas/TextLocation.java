package io.pitgun.schemas;

/**
 * A position in a source text, both parts counted from 1 as editors show them.
 *
 * @param line   line number, 1 for the first line
 * @param column column number in characters, 1 for the first character of the line
 */
public record TextLocation(int line, int column)
{
    /**
     * @throws IllegalArgumentException if line or column is below 1
     */
    public TextLocation
    {
        if (line < 1 || column < 1)
        {
            throw new IllegalArgumentException("line and column count from 1, got " + line + ":" + column);
        }
    }

    /**
     * @return {@code line:column}
     */
    @Override
    public String toString()
    {
        return line + ":" + column;
    }
}
