package io.pitgun.solver.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a JSON text (RFC 8259) into plain values: {@code Map<String, Object>} (insertion ordered),
 * {@code List<Object>}, {@link String}, {@link JsonNumber}, {@link Boolean} and {@link #NULL}.
 * Duplicate keys are rejected: a request must not silently mean two things.
 */
public final class JsonReader
{
    /** The JSON {@code null} value (maps cannot hold Java null distinctly from "absent"). */
    public static final Object NULL = new Object()
    {
        @Override
        public String toString()
        {
            return "null";
        }
    };

    /**
     * Most objects and arrays open at once: a guard for the recursion, the same bound as the command line's
     * document reader ({@code io.pitgun.schemas.DocumentReader.MAX_NESTING}), so both refuse the same documents
     * with the same words. A valid request nests five levels.
     */
    public static final int MAX_NESTING = 500;

    private final String text;
    private int pos;

    private JsonReader(final String text)
    {
        this.text = text;
    }

    /** Parses a whole document; trailing non-space characters are an error. */
    public static Object parse(final String text)
    {
        final JsonReader reader = new JsonReader(text);
        reader.skipSpace();
        final Object value = reader.readValue(0);
        reader.skipSpace();
        if (reader.pos != text.length())
        {
            throw new JsonSyntaxException("unexpected text after the JSON value", reader.pos);
        }
        return value;
    }

    /** Reads the value at {@code pos}; {@code depth} objects and arrays enclose it. */
    private Object readValue(final int depth)
    {
        if (pos >= text.length())
        {
            throw new JsonSyntaxException("unexpected end of document", pos);
        }
        final char c = text.charAt(pos);
        if ((c == '{' || c == '[') && depth == MAX_NESTING)
        {
            throw new JsonSyntaxException("objects and arrays nested more than " + MAX_NESTING + " levels deep", pos);
        }
        switch (c)
        {
            case '{':
                return readObject(depth);
            case '[':
                return readArray(depth);
            case '"':
                return readString();
            case 't':
                expectWord("true");
                return Boolean.TRUE;
            case 'f':
                expectWord("false");
                return Boolean.FALSE;
            case 'n':
                expectWord("null");
                return NULL;
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return readNumber();
                }
                throw new JsonSyntaxException("unexpected character '" + c + "'", pos);
        }
    }

    private Map<String, Object> readObject(final int depth)
    {
        final Map<String, Object> object = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (peek() == '}')
        {
            pos++;
            return object;
        }
        while (true)
        {
            skipSpace();
            if (peek() != '"')
            {
                throw new JsonSyntaxException("expected a member name in double quotes", pos);
            }
            final int keyPos = pos;
            final String key = readString();
            skipSpace();
            expect(':');
            skipSpace();
            final Object value = readValue(depth + 1);
            if (object.put(key, value) != null)
            {
                throw new JsonSyntaxException("duplicate member \"" + key + "\"", keyPos);
            }
            skipSpace();
            final char c = peek();
            pos++;
            if (c == '}')
            {
                return object;
            }
            if (c != ',')
            {
                throw new JsonSyntaxException("expected ',' or '}'", pos - 1);
            }
        }
    }

    private List<Object> readArray(final int depth)
    {
        final List<Object> array = new ArrayList<>();
        pos++;
        skipSpace();
        if (peek() == ']')
        {
            pos++;
            return array;
        }
        while (true)
        {
            skipSpace();
            array.add(readValue(depth + 1));
            skipSpace();
            final char c = peek();
            pos++;
            if (c == ']')
            {
                return array;
            }
            if (c != ',')
            {
                throw new JsonSyntaxException("expected ',' or ']'", pos - 1);
            }
        }
    }

    private String readString()
    {
        pos++;
        final StringBuilder sb = new StringBuilder();
        while (true)
        {
            if (pos >= text.length())
            {
                throw new JsonSyntaxException("unterminated string", pos);
            }
            final char c = text.charAt(pos++);
            if (c == '"')
            {
                return sb.toString();
            }
            if (c < 0x20)
            {
                throw new JsonSyntaxException("control character in string", pos - 1);
            }
            if (c != '\\')
            {
                sb.append(c);
                continue;
            }
            if (pos >= text.length())
            {
                throw new JsonSyntaxException("unterminated escape", pos);
            }
            final char e = text.charAt(pos++);
            switch (e)
            {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u':
                    sb.append((char)readHex4());
                    break;
                default:
                    throw new JsonSyntaxException("invalid escape '\\" + e + "'", pos - 2);
            }
        }
    }

    private int readHex4()
    {
        if (pos + 4 > text.length())
        {
            throw new JsonSyntaxException("truncated \\u escape", pos);
        }
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            final int digit = Character.digit(text.charAt(pos + i), 16);
            if (digit < 0)
            {
                throw new JsonSyntaxException("invalid hex digit in \\u escape", pos + i);
            }
            value = (value << 4) | digit;
        }
        pos += 4;
        return value;
    }

    private JsonNumber readNumber()
    {
        final int start = pos;
        if (peek() == '-')
        {
            pos++;
        }
        if (peek() == '0')
        {
            pos++;
        }
        else if (!digitsAhead())
        {
            throw new JsonSyntaxException("invalid number", start);
        }
        if (peek() == '.')
        {
            pos++;
            if (!digitsAhead())
            {
                throw new JsonSyntaxException("expected digits after the decimal point", pos);
            }
        }
        if (peek() == 'e' || peek() == 'E')
        {
            pos++;
            if (peek() == '+' || peek() == '-')
            {
                pos++;
            }
            if (!digitsAhead())
            {
                throw new JsonSyntaxException("expected digits in the exponent", pos);
            }
        }
        return new JsonNumber(text.substring(start, pos));
    }

    private boolean digitsAhead()
    {
        final int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9')
        {
            pos++;
        }
        return pos > start;
    }

    private void expectWord(final String word)
    {
        if (!text.startsWith(word, pos))
        {
            throw new JsonSyntaxException("unexpected character '" + text.charAt(pos) + "'", pos);
        }
        pos += word.length();
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw new JsonSyntaxException("expected '" + c + "'", pos);
        }
        pos++;
    }

    private char peek()
    {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace()
    {
        while (pos < text.length())
        {
            final char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            {
                return;
            }
            pos++;
        }
    }
}
