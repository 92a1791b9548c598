package io.pitgun.manifest.formula;

/** One lexed token with its character range in the formula text. */
record Token(TokenKind kind, String text, int start, int end)
{
    String describe()
    {
        return kind == TokenKind.END ? kind.display : "'" + text + "'";
    }
}
