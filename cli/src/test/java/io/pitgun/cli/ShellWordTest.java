package io.pitgun.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each path {@link ShellWord} writes is one word to bash, the same path, and never an option. */
class ShellWordTest
{
    @Test
    void shouldMakeEachPathOneShellWordThatIsNotAnOption() throws Exception
    {
        for (final String path : new String[] { "/tmp/plain-path_1.x", "run 1", "it's", "$(touch /tmp/pwned)", "a\nb",
            "tab\there", "-x/loadgen.hgrm", "--out", "*.hgrm", "" })
        {
            final Process echo = new ProcessBuilder("bash", "-c", "printf '%s\\0' " + ShellWord.of(Path.of(path)))
                .start();
            final String out = new String(echo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, echo.waitFor(), path);
            final String expected = path.startsWith("-") ? "./" + path : path;
            assertEquals(expected + "\0", out, path);
        }
    }
}
