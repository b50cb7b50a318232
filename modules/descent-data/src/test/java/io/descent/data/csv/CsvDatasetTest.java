package io.descent.data.csv;

import io.descent.data.Dataset;
import io.descent.data.DatasetPair;
import io.descent.data.Task;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvDatasetTest
{
    @TempDir
    Path dir;

    private Path write(final String name, final String content) throws IOException
    {
        return Files.writeString(dir.resolve(name), content);
    }

    private String failure(final Path file, final CsvOptions options)
    {
        return assertThrows(BadInputException.class, () -> CsvDataset.load(file, options)).getMessage();
    }

    @Test
    void shouldMapStringLabelsToSortedClasses() throws IOException
    {
        final Path file = write("iris.csv",
            "sepal,petal,species\n1.0,2.0,virginica\n3.0,4.5,setosa\n\n5,6,versicolor\n7,8,setosa\n");
        final Dataset data = CsvDataset.load(file, CsvOptions.classification("species"));

        assertEquals(Task.CLASSIFICATION, data.task());
        assertEquals(4, data.size());
        assertEquals(2, data.numFeatures());
        assertEquals(List.of("setosa", "versicolor", "virginica"), data.classNames());
        assertEquals(List.of("sepal", "petal"), data.featureNames());
        assertArrayEquals(new int[]{2, 0, 1, 0}, data.labels());
        assertArrayEquals(new float[]{1, 2, 3, 4.5f, 5, 6, 7, 8}, data.features());
        assertArrayEquals(new float[]{0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0}, data.targets());
    }

    @Test
    void shouldUseIntegerLabelsAsClassIndices() throws IOException
    {
        final Path file = write("digits.csv", "label,a,b\n3,0.5,1\n0,1,2\n1,2,3\n");
        final Dataset data = CsvDataset.load(file, CsvOptions.classification("label"));

        assertEquals(4, data.numOutputs());
        assertArrayEquals(new int[]{3, 0, 1}, data.labels());
        assertEquals(List.of("a", "b"), data.featureNames());
        assertEquals(5, CsvDataset.load(file, CsvOptions.classification("label").withNumClasses(5)).numOutputs());
    }

    @Test
    void shouldLoadRegressionWithTwoTargets() throws IOException
    {
        final Path file = write("reg.csv", "x1, y1, x2, y2\n1, 10, 2, -20\n3, 30.5, 4, -40\n");
        final Dataset data = CsvDataset.load(file, CsvOptions.regression("y1", "y2"));

        assertEquals(Task.REGRESSION, data.task());
        assertEquals(2, data.numOutputs());
        assertArrayEquals(new float[]{1, 2, 3, 4}, data.features());
        assertArrayEquals(new float[]{10, -20, 30.5f, -40}, data.targets());
        assertNull(data.labels());
    }

    @Test
    void shouldShareOneClassMappingBetweenTrainAndTestFiles() throws IOException
    {
        final Path train = write("train.csv", "f,y\n1,cat\n2,dog\n");
        final Path test = write("test.csv", "f,y\n3,ant\n4,dog\n");
        final DatasetPair pair = CsvDataset.loadPair(train, test, CsvOptions.classification("y"));

        assertEquals(List.of("ant", "cat", "dog"), pair.train().classNames());
        assertEquals(pair.train().classNames(), pair.test().classNames());
        assertArrayEquals(new int[]{1, 2}, pair.train().labels());
        assertArrayEquals(new int[]{0, 2}, pair.test().labels());
    }

    @Test
    void shouldNameLineAndColumnOfANonNumericCell() throws IOException
    {
        final Path file = write("bad.csv", "a,b,y\n1,2,x\n3,abc,y\n");
        final String message = failure(file, CsvOptions.classification("y"));
        assertTrue(message.contains("non-numeric value 'abc' at line 3, column 2 ('b')"), message);
        assertTrue(message.contains(file.toString()), message);
    }

    @Test
    void shouldRejectARaggedRow() throws IOException
    {
        final Path file = write("ragged.csv", "a,b,y\n1,2,x\n3,y\n");
        final String message = failure(file, CsvOptions.classification("y"));
        assertTrue(message.contains("ragged row: line 3"), message);
        assertTrue(message.contains("has 2 cells, the header has 3"), message);
    }

    @Test
    void shouldRejectAnEmptyFile() throws IOException
    {
        final Path file = write("empty.csv", "\n  \n");
        final String message = failure(file, CsvOptions.classification("y"));
        assertTrue(message.contains(file + " is empty"), message);
    }

    @Test
    void shouldRejectAFileWithOnlyAHeader() throws IOException
    {
        final Path file = write("header.csv", "a,b,y\n");
        final String message = failure(file, CsvOptions.classification("y"));
        assertTrue(message.contains("has a header but no data rows"), message);
    }

    @Test
    void shouldListTheColumnsForAnUnknownTarget() throws IOException
    {
        final Path file = write("t.csv", "alpha,beta,gamma\n1,2,3\n");
        final String message = failure(file, CsvOptions.regression("delta"));
        assertTrue(message.contains("unknown target column 'delta'"), message);
        assertTrue(message.contains("the columns are: alpha, beta, gamma"), message);
    }

    @Test
    void shouldRejectNaNFeatures() throws IOException
    {
        final Path file = write("nan.csv", "a,b,y\n1,2,3\n4,NaN,6\n");
        final String message = failure(file, CsvOptions.regression("y"));
        assertTrue(message.contains("value 'NaN' at line 3, column 2 ('b')"), message);
        assertTrue(message.contains("is not finite"), message);
    }

    @Test
    void shouldRejectInfiniteFeatures() throws IOException
    {
        final Path file = write("inf.csv", "a,b,y\n-Infinity,2,0\n");
        final String message = failure(file, CsvOptions.classification("y"));
        assertTrue(message.contains("value '-Infinity' at line 2, column 1 ('a')"), message);
        final Path overflow = write("overflow.csv", "a,b,y\n1e39,2,0\n");
        assertTrue(failure(overflow, CsvOptions.classification("y")).contains("is not finite"));
    }

    @Test
    void shouldRejectAnIntegerLabelThatDoesNotFitTheModel() throws IOException
    {
        final Path file = write("labels.csv", "a,y\n1,0\n2,1\n3,5\n");
        final String message = failure(file, CsvOptions.classification("y").withNumClasses(3));
        assertTrue(message.contains("label '5' at line 4, column 2"), message);
        assertTrue(message.contains("does not fit the model's 3 output classes"), message);
    }

    @Test
    void shouldRejectMoreStringClassesThanTheModelHas() throws IOException
    {
        final Path file = write("labels.csv", "a,y\n1,red\n2,green\n3,blue\n");
        final String message = failure(file, CsvOptions.classification("y").withNumClasses(2));
        assertTrue(message.contains("label 'red' at line 2"), message);
    }

    @Test
    void shouldReadQuotedCellsAsRfc4180Has() throws IOException
    {
        final Path file = write("quoted.csv", "\"a\",\"b, in cm\",y\n\"1.5\", 2 ,\"big, \"\"red\"\"\"\n3,\"4\",x\n");
        final CsvTable table = CsvParser.parse(file, CsvOptions.classification("y"));
        assertEquals(List.of("a", "b, in cm"), table.featureNames());
        assertArrayEquals(new float[]{ 1.5f, 2f, 3f, 4f }, table.features());
        assertArrayEquals(new String[]{ "big, \"red\"", "x" }, table.labels());
    }

    @Test
    void shouldRejectABadQuotedCellNamingLineAndColumn() throws IOException
    {
        final String open = failure(write("open.csv", "a,b,y\n1,2,x\n1,\"2,x\n"), CsvOptions.classification("y"));
        assertTrue(open.contains("open.csv, line 3, column 2: a quoted cell has no closing quote"), open);
        final String after = failure(write("after.csv", "a,b,y\n1,\"2\"5,x\n"), CsvOptions.classification("y"));
        assertTrue(after.contains("after.csv, line 2, column 2: text after the closing quote"), after);
        final String inside = failure(write("inside.csv", "a,b,y\n1,2,x\"\n"), CsvOptions.classification("y"));
        assertTrue(inside.contains("inside.csv, line 2, column 3: a quote inside an unquoted cell"), inside);
    }

    @Test
    void shouldNameAMissingFile()
    {
        final Path file = dir.resolve("missing.csv");
        final String message = failure(file, CsvOptions.classification("y"));
        assertTrue(message.contains(file + " does not exist"), message);
    }

    @Test
    void shouldRejectTwoTargetsForClassification() throws IOException
    {
        final Path file = write("two.csv", "a,y,z\n1,2,3\n");
        final CsvOptions options = new CsvOptions(List.of("y", "z"), Task.CLASSIFICATION, 0, ',');
        assertTrue(failure(file, options).contains("exactly one target column"));
    }

    @Test
    void shouldReadOtherDelimiters() throws IOException
    {
        final Path file = write("semi.csv", "a;y\n1.5;2\n");
        final Dataset data = CsvDataset.load(file, CsvOptions.regression("y").withDelimiter(';'));
        assertArrayEquals(new float[]{1.5f}, data.features());
    }
}
