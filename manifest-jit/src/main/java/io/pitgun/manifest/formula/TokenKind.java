package io.pitgun.manifest.formula;

/**
 * Kinds of formula tokens. Word operators ({@code and}, {@code or}, {@code not}) lex to the same kinds as their
 * symbols.
 */
enum TokenKind
{
    INTEGER("integer"), DECIMAL("number"), IDENTIFIER("name"), TRUE("'true'"), FALSE("'false'"),
    PLUS("'+'"), MINUS("'-'"), STAR("'*'"), SLASH("'/'"), PERCENT("'%'"), CARET("'^'"),
    LESS("'<'"), LESS_EQUAL("'<='"), GREATER("'>'"), GREATER_EQUAL("'>='"), EQUAL("'=='"), NOT_EQUAL("'!='"),
    AND("'and'"), OR("'or'"), NOT("'not'"),
    QUESTION("'?'"), COLON("':'"), LEFT_PAREN("'('"), RIGHT_PAREN("')'"), COMMA("','"), END("end of formula");

    final String display;

    TokenKind(final String display)
    {
        this.display = display;
    }
}
