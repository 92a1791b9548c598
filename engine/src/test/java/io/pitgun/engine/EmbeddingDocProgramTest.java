package io.pitgun.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The complete program of {@code docs/embedding.md}, taken from the page as it stands: compiled against the
 * engine's class path (what the page's Maven dependency gives) and run as a separate JVM with exactly the flags
 * the page lists, from the repository root, with the arguments the page shows.
 */
class EmbeddingDocProgramTest
{
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern BLOCK = Pattern.compile("(?s)```(java|text)\\n(.*?)```");

    @TempDir
    Path dir;

    @Test
    void shouldCompileAndRunTheDocumentedProgramWithTheDocumentedFlags() throws Exception
    {
        final String page = Files.readString(ROOT.resolve("docs/embedding.md"), StandardCharsets.UTF_8);
        String program = null;
        String flags = null;
        final Matcher block = BLOCK.matcher(page);
        while (block.find())
        {
            if (block.group(1).equals("java") && block.group(2).contains("public final class EmbeddedProducer"))
            {
                program = block.group(2);
            }
            else if (block.group(1).equals("text") && block.group(2).startsWith("--add-exports"))
            {
                flags = block.group(2).trim();
            }
        }
        assertTrue(program != null && flags != null, "docs/embedding.md shows the program and the JVM flags");

        final Path source = Files.writeString(dir.resolve("EmbeddedProducer.java"), program);
        final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        final int compiled = compiler.run(null, null, diagnostics, "--release", "17", "-d", dir.toString(),
            "-classpath", System.getProperty("java.class.path"), source.toString());
        assertEquals(0, compiled, diagnostics.toString(StandardCharsets.UTF_8));

        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(flags.split("\\s+")));
        command.add("-cp");
        command.add(dir + File.pathSeparator + System.getProperty("java.class.path"));
        command.add("EmbeddedProducer");
        command.add("schemas/src/main/resources/examples/pipeline-manifest/v1/valid/pipeline.yaml");
        command.add(dir.resolve("journal").toString());
        final Path output = dir.resolve("output.txt");
        final Process run = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
            .redirectOutput(output.toFile()).start();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the program did not end within 60 s");
        final String printed = Files.readString(output);
        assertEquals(0, run.exitValue(), printed);
        // 420 Nm at 9,999 rpm: 420 * 9999 / 9549 kW, the largest Power_kW of the run, read by name.
        assertTrue(printed.contains("journaled true, 1000 derived frames, max Power_kW 439.793"), printed);
        assertTrue(page.contains("journaled true, 1000 derived frames, max Power_kW 439.793"),
            "the page shows what the program prints");
    }
}
