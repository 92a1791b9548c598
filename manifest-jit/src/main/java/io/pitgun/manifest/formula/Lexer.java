package io.pitgun.manifest.formula;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Splits formula text into tokens. */
final class Lexer
{
    private final String text;
    private int position;

    private Lexer(final String text)
    {
        this.text = text;
    }

    static List<Token> tokenize(final String text) throws FormulaException
    {
        final Lexer lexer = new Lexer(text);
        final List<Token> tokens = new ArrayList<>();
        Token token;
        do
        {
            token = lexer.next();
            tokens.add(token);
        }
        while (token.kind() != TokenKind.END);
        return tokens;
    }

    private Token next() throws FormulaException
    {
        while (position < text.length() && Character.isWhitespace(text.charAt(position)))
        {
            position++;
        }
        final int start = position;
        if (position >= text.length())
        {
            return new Token(TokenKind.END, "", start, start);
        }
        final char c = text.charAt(position);
        if (isDigit(c) || (c == '.' && position + 1 < text.length() && isDigit(text.charAt(position + 1))))
        {
            return number(start);
        }
        if (Character.isLetter(c) || c == '_')
        {
            while (position < text.length() &&
                (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '_'))
            {
                position++;
            }
            final String word = text.substring(start, position);
            switch (word)
            {
                case "and": return new Token(TokenKind.AND, word, start, position);
                case "or": return new Token(TokenKind.OR, word, start, position);
                case "not": return new Token(TokenKind.NOT, word, start, position);
                case "true": return new Token(TokenKind.TRUE, word, start, position);
                case "false": return new Token(TokenKind.FALSE, word, start, position);
                default: return new Token(TokenKind.IDENTIFIER, word, start, position);
            }
        }
        position++;
        final char following = position < text.length() ? text.charAt(position) : '\0';
        switch (c)
        {
            case '+': return token(TokenKind.PLUS, start);
            case '-': return token(TokenKind.MINUS, start);
            case '*': return token(TokenKind.STAR, start);
            case '/': return token(TokenKind.SLASH, start);
            case '%': return token(TokenKind.PERCENT, start);
            case '^': return token(TokenKind.CARET, start);
            case '?': return token(TokenKind.QUESTION, start);
            case ':': return token(TokenKind.COLON, start);
            case '(': return token(TokenKind.LEFT_PAREN, start);
            case ')': return token(TokenKind.RIGHT_PAREN, start);
            case ',': return token(TokenKind.COMMA, start);
            case '<': return following == '=' ? twoChar(TokenKind.LESS_EQUAL, start) : token(TokenKind.LESS, start);
            case '>':
                return following == '=' ? twoChar(TokenKind.GREATER_EQUAL, start) : token(TokenKind.GREATER, start);
            case '=':
                if (following == '=')
                {
                    return twoChar(TokenKind.EQUAL, start);
                }
                throw new FormulaException("'=' is not an operator; compare with '=='", start, start + 1);
            case '!': return following == '=' ? twoChar(TokenKind.NOT_EQUAL, start) : token(TokenKind.NOT, start);
            case '&':
                if (following == '&')
                {
                    return twoChar(TokenKind.AND, start);
                }
                throw new FormulaException("'&' is not an operator; use '&&' or 'and'", start, start + 1);
            case '|':
                if (following == '|')
                {
                    return twoChar(TokenKind.OR, start);
                }
                throw new FormulaException("'|' is not an operator; use '||' or 'or'", start, start + 1);
            default:
                throw unexpected(start);
        }
    }

    // The whole character (an emoji is two chars; half of one printed as '?') and its code point, which names
    // one that shows as nothing or as a space (a no-break space pasted with a formula).
    private FormulaException unexpected(final int start)
    {
        final int codePoint = text.codePointAt(start);
        final String message = String.format(Locale.ROOT, "unexpected character '%s' (U+%04X)",
            new String(Character.toChars(codePoint)), codePoint);
        return new FormulaException(message, start, start + Character.charCount(codePoint));
    }

    private Token token(final TokenKind kind, final int start)
    {
        return new Token(kind, text.substring(start, position), start, position);
    }

    private Token twoChar(final TokenKind kind, final int start)
    {
        position++;
        return token(kind, start);
    }

    private Token number(final int start) throws FormulaException
    {
        boolean decimal = false;
        while (position < text.length() && isDigit(text.charAt(position)))
        {
            position++;
        }
        if (position < text.length() && text.charAt(position) == '.')
        {
            decimal = true;
            position++;
            while (position < text.length() && isDigit(text.charAt(position)))
            {
                position++;
            }
        }
        if (position < text.length() && (text.charAt(position) == 'e' || text.charAt(position) == 'E'))
        {
            decimal = true;
            position++;
            if (position < text.length() && (text.charAt(position) == '+' || text.charAt(position) == '-'))
            {
                position++;
            }
            final int digits = position;
            while (position < text.length() && isDigit(text.charAt(position)))
            {
                position++;
            }
            if (digits == position)
            {
                throw new FormulaException("exponent of number has no digits", start, position);
            }
        }
        if (position < text.length() && (Character.isLetter(text.charAt(position)) || text.charAt(position) == '_'))
        {
            throw new FormulaException("a number cannot be followed directly by a letter", start, position + 1);
        }
        return new Token(decimal ? TokenKind.DECIMAL : TokenKind.INTEGER, text.substring(start, position), start,
            position);
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }
}
