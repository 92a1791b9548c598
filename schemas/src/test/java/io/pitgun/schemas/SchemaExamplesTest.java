package io.pitgun.schemas;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Validates every example under {@code src/main/resources/examples/<name>/<version>/}: each valid
 * document must pass its schema; each invalid one must fail with a problem at the JSON Pointer
 * its directory's {@code expected-errors.properties} names. Also checks that examples and
 * {@code schemas/index.txt} cover each other.
 */
class SchemaExamplesTest
{
    private static final int MIN_VALID = 2;
    private static final int MIN_INVALID = 3;

    private final SchemaCatalog catalog = SchemaCatalog.standard();

    @TestFactory
    List<DynamicNode> everyExampleMatchesItsVerdict() throws IOException
    {
        final List<DynamicNode> containers = new ArrayList<>();
        for (final Path versionDir : ExampleFiles.schemaDirectories())
        {
            final SchemaId id = ExampleFiles.schemaIdOf(versionDir);
            final List<DynamicNode> tests = new ArrayList<>();
            for (final Path file : ExampleFiles.documents(versionDir.resolve("valid")))
            {
                tests.add(DynamicTest.dynamicTest("valid/" + file.getFileName(), file.toUri(), () -> assertValid(id, file)));
            }
            final Path invalidDir = versionDir.resolve("invalid");
            final Properties expected = ExampleFiles.expectedErrors(invalidDir);
            for (final Path file : ExampleFiles.documents(invalidDir))
            {
                tests.add(DynamicTest.dynamicTest(
                    "invalid/" + file.getFileName(), file.toUri(), () -> assertInvalidAt(id, file, expected)));
            }
            tests.add(DynamicTest.dynamicTest(
                "expected-errors.properties names only existing files", () -> assertNoStaleEntries(invalidDir, expected)));
            containers.add(DynamicContainer.dynamicContainer(id.toString(), versionDir.toUri(), tests.stream()));
        }
        assertFalse(containers.isEmpty(), "no example directories under " + ExampleFiles.examplesRoot());
        return containers;
    }

    /**
     * Every example directory belongs to a shipped schema: an example for an unlisted schema is
     * either a typo in the directory name or a schema someone forgot to add to the index.
     */
    @TestFactory
    List<DynamicTest> everyExampleDirectoryIsAnIndexedSchema() throws IOException
    {
        final List<DynamicTest> tests = new ArrayList<>();
        for (final Path versionDir : ExampleFiles.schemaDirectories())
        {
            final SchemaId id = ExampleFiles.schemaIdOf(versionDir);
            tests.add(DynamicTest.dynamicTest(id.toString(), () -> assertTrue(
                catalog.contains(id),
                "examples exist for " + id + " but schemas/index.txt does not list it; indexed: " + catalog.ids())));
        }
        return tests;
    }

    /**
     * Every indexed schema has enough examples. Fails for a schema that has been published without
     * examples, whoever owns it: that is the point.
     */
    @TestFactory
    List<DynamicTest> everyIndexedSchemaHasExamples()
    {
        final List<DynamicTest> tests = new ArrayList<>();
        for (final SchemaId id : catalog.ids())
        {
            tests.add(DynamicTest.dynamicTest(id.toString(), () ->
            {
                assertTrue(Files.isRegularFile(ExampleFiles.resourcesRoot().resolve(id.resourcePath())),
                    id + " is in index.txt but " + id.resourcePath() + " does not exist");
                final Path versionDir = ExampleFiles.examplesRoot().resolve(id.name()).resolve(id.version());
                final int valid = ExampleFiles.documents(versionDir.resolve("valid")).size();
                final int invalid = ExampleFiles.documents(versionDir.resolve("invalid")).size();
                assertTrue(valid >= MIN_VALID,
                    id + " needs at least " + MIN_VALID + " valid examples in " + versionDir.resolve("valid") + ", found " + valid);
                assertTrue(invalid >= MIN_INVALID,
                    id + " needs at least " + MIN_INVALID + " invalid examples in " + versionDir.resolve("invalid") +
                    ", found " + invalid);
            }));
        }
        return tests;
    }

    private void assertValid(final SchemaId id, final Path file) throws DocumentException
    {
        assertIndexed(id);
        final ParsedDocument document = DocumentReader.read(file);
        final List<SchemaProblem> problems = catalog.validate(id, document.root());
        if (!problems.isEmpty())
        {
            fail(file.getFileName() + " should be valid against " + id + " but:\n" + describe(document, problems));
        }
    }

    private void assertInvalidAt(final SchemaId id, final Path file, final Properties expected) throws DocumentException
    {
        final String fileName = file.getFileName().toString();
        final String pointer = expected.getProperty(fileName);
        if (pointer == null)
        {
            fail(fileName + " has no entry in " + file.resolveSibling(ExampleFiles.EXPECTED_ERRORS) +
                " (add '" + fileName + "=<JSON pointer>')");
        }
        assertIndexed(id);
        final ParsedDocument document = DocumentReader.read(file);
        final List<SchemaProblem> problems = catalog.validate(id, document.root());
        assertFalse(problems.isEmpty(), fileName + " should be invalid against " + id + " but passed");
        final boolean reportedThere = problems.stream().anyMatch(problem -> problem.pointer().equals(pointer));
        if (!reportedThere)
        {
            fail(fileName + " failed, but not at '" + pointer + "'; problems:\n" + describe(document, problems));
        }
        assertTrue(document.locate(pointer).isPresent(),
            "expected pointer '" + pointer + "' names no value in " + fileName + ", so it cannot be shown at a line");
    }

    private void assertIndexed(final SchemaId id)
    {
        if (!catalog.contains(id))
        {
            fail("cannot check examples of " + id + ": schemas/index.txt does not list it");
        }
    }

    private static void assertNoStaleEntries(final Path invalidDir, final Properties expected) throws IOException
    {
        final Set<String> files = ExampleFiles.documents(invalidDir).stream()
            .map(path -> path.getFileName().toString())
            .collect(Collectors.toCollection(TreeSet::new));
        final Set<String> stale = new TreeSet<>(expected.stringPropertyNames());
        stale.removeAll(files);
        assertEquals(Set.of(), stale, "entries in " + invalidDir.resolve(ExampleFiles.EXPECTED_ERRORS) + " without a file");
    }

    private static String describe(final ParsedDocument document, final List<SchemaProblem> problems)
    {
        final StringBuilder text = new StringBuilder();
        for (final SchemaProblem problem : problems)
        {
            text.append("  ").append(document.locateNearest(problem.pointer())).append(' ').append(problem).append('\n');
        }
        return text.toString();
    }
}
