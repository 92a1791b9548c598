package io.pitgun.schemas;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Finds the example documents on disk (not on the class path), so that examples other engineers
 * add are picked up without touching the tests.
 */
final class ExampleFiles
{
    static final String EXPECTED_ERRORS = "expected-errors.properties";

    private ExampleFiles()
    {
    }

    /**
     * @return {@code src/main/resources} of this module, whatever directory the tests run from
     */
    static Path resourcesRoot()
    {
        return Path.of(System.getProperty("basedir", ".")).resolve("src/main/resources").toAbsolutePath().normalize();
    }

    static Path examplesRoot()
    {
        return resourcesRoot().resolve("examples");
    }

    /**
     * @return every {@code examples/<name>/<version>} directory, sorted
     */
    static List<Path> schemaDirectories() throws IOException
    {
        final List<Path> result = new ArrayList<>();
        if (!Files.isDirectory(examplesRoot()))
        {
            return result;
        }
        for (final Path nameDir : sortedChildren(examplesRoot()))
        {
            if (Files.isDirectory(nameDir))
            {
                for (final Path versionDir : sortedChildren(nameDir))
                {
                    if (Files.isDirectory(versionDir))
                    {
                        result.add(versionDir);
                    }
                }
            }
        }
        return result;
    }

    static SchemaId schemaIdOf(final Path versionDir)
    {
        return new SchemaId(versionDir.getParent().getFileName().toString(), versionDir.getFileName().toString());
    }

    /**
     * @return the document files of {@code valid} or {@code invalid} (everything but expected-errors.properties)
     */
    static List<Path> documents(final Path kindDir) throws IOException
    {
        final List<Path> result = new ArrayList<>();
        if (!Files.isDirectory(kindDir))
        {
            return result;
        }
        for (final Path file : sortedChildren(kindDir))
        {
            if (Files.isRegularFile(file) && !file.getFileName().toString().equals(EXPECTED_ERRORS))
            {
                result.add(file);
            }
        }
        return result;
    }

    static Properties expectedErrors(final Path invalidDir) throws IOException
    {
        final Properties properties = new Properties();
        final Path file = invalidDir.resolve(EXPECTED_ERRORS);
        if (Files.isRegularFile(file))
        {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
            {
                properties.load(reader);
            }
        }
        return properties;
    }

    private static List<Path> sortedChildren(final Path dir) throws IOException
    {
        try (Stream<Path> children = Files.list(dir))
        {
            return children.sorted().toList();
        }
    }
}
