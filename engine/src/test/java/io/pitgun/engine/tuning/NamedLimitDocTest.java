package io.pitgun.engine.tuning;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The named-limit table of {@code docs/security.md} is {@link NamedLimit}'s, as written there. */
class NamedLimitDocTest
{
    private static final String START = "<!-- named limits: checked by NamedLimitDocTest -->\n";
    private static final String END = "<!-- end of named limits -->";

    @Test
    void shouldDocumentEveryNamedLimitAsTheEnumSays() throws Exception
    {
        final String doc = Files.readString(Path.of("../docs/security.md"));
        final int start = doc.indexOf(START);
        final int end = doc.indexOf(END);
        assertTrue(start >= 0 && end > start, "docs/security.md has no marked named-limit table");
        final StringBuilder table = new StringBuilder("| limit | bound | unit | channels |\n|---|---|---|---|\n");
        for (final NamedLimit limit : NamedLimit.values())
        {
            table.append("| `").append(limit.key()).append("` | ").append(limit.lowerBound() ? "at least" : "at most")
                .append(" | `").append(limit.unit()).append("` | ")
                .append(limit.channels().stream().map(c -> "`" + c + "`").collect(Collectors.joining(", ")))
                .append(" |\n");
        }
        assertEquals(table.toString(), doc.substring(start + START.length(), end));
    }
}
