package io.descent.model.use;

import io.descent.data.Dataset;
import io.descent.data.load.DataLoader;
import io.descent.model.TrainedJob;
import io.descent.model.artifact.ArtifactStore;
import io.descent.model.artifact.ModelArtifact;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Predictions for raw CSV rows of a model trained on a CSV with named features and text labels. */
class PredictionTest
{
    @TempDir
    static Path data;

    private static TrainedJob trained;
    private static ModelArtifact saved;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainOnACsv() throws IOException
    {
        final StringBuilder csv = new StringBuilder("width,height,weight,species\n");
        final Random random = new Random(5);
        for (int i = 0; i < 400; i++)
        {
            final double width = random.nextDouble() * 40;
            final double height = 100 + random.nextDouble() * 50;
            final double weight = random.nextGaussian() * 3;
            final String species = width < 13 ? "cat" : width < 27 ? "dog" : "eel";
            csv.append(width).append(',').append(height).append(',').append(weight).append(',').append(species)
                .append('\n');
        }
        Files.writeString(data.resolve("animals.csv"), csv);
        trained = TrainedJob.train("""
            job { name = animals, seed = 3 }
            data { source = csv, scaling = standardize, csv { target = species, test-fraction = 0.25 } }
            model { layers = [ { type = dense, units = 12, activation = tanh }, { type = dense } ] }
            train { loss = cross-entropy, batch-size = 16, epochs = 3, learning-rate = 0.1, eval-batch-size = 50 }
            """, "data.csv.path=\"" + data.resolve("animals.csv") + "\"");
        ArtifactStore.write(data.resolve("model"), trained.artifact());
        saved = ArtifactStore.read(data.resolve("model"));
    }

    @Test
    void shouldPredictRawRowsAsTheTrainedModelPredictsItsScaledTestSplit() throws IOException
    {
        assertEquals(List.of("width", "height", "weight"), saved.featureNames());
        assertEquals(List.of("cat", "dog", "eel"), saved.classNames());
        final Dataset raw = DataLoader.source(trained.job().data(), trained.job().seed(), 3).test();
        // Columns in another order, the target column kept: both are allowed.
        final StringBuilder csv = new StringBuilder("weight,species,width,height\n");
        for (int row = 0; row < raw.size(); row++)
        {
            csv.append(raw.features()[row * 3 + 2]).append(",x,").append(raw.features()[row * 3]).append(',')
                .append(raw.features()[row * 3 + 1]).append('\n');
        }
        final Path input = dir.resolve("input.csv");
        Files.writeString(input, csv);

        final float[] outputs = new Predictor(saved).predict(PredictionInput.read(input, saved, List.of("species")));

        final Dataset scaled = (Dataset)trained.data().data().test();
        final INDArray expected = trained.model().predict(Nd4j.createFromArray(scaled.features())
            .reshape(scaled.size(), 3));
        int correct = 0;
        for (int row = 0; row < raw.size(); row++)
        {
            for (int j = 0; j < 3; j++)
            {
                assertEquals(expected.getFloat(row, j), outputs[row * 3 + j], "row " + row + " class " + j);
            }
            correct += Predictor.argMax(outputs, row * 3, 3) == scaled.labels()[row] ? 1 : 0;
        }
        assertEquals(trained.test().accuracy(), (double)correct / raw.size(), 1e-12);
    }

    @Test
    void shouldWriteClassIndexNameAndProbabilities() throws IOException
    {
        final Path input = dir.resolve("input.csv");
        Files.writeString(input, "width,height,weight\n5,120,0\n35,120,0\n");
        final float[] outputs = new Predictor(saved).predict(PredictionInput.read(input, saved, List.of()));
        final Path output = dir.resolve("out.csv");

        PredictionOutput.write(output, saved, outputs, List.of());

        final List<String> lines = Files.readAllLines(output);
        assertEquals("class_index,class_name,p_cat,p_dog,p_eel", lines.get(0));
        assertEquals(3, lines.size());
        final String[] first = lines.get(1).split(",");
        assertEquals(Integer.toString(Predictor.argMax(outputs, 0, 3)), first[0]);
        assertEquals(saved.classNames().get(Integer.parseInt(first[0])), first[1]);
        assertEquals(outputs[1], Float.parseFloat(first[3]));
    }

    @Test
    void shouldRefuseInputThatDoesNotFitTheModel() throws IOException
    {
        assertRefused("width,height\n1,2\n", "no column 'weight'");
        assertRefused("width,height,weight,colour\n1,2,3,4\n", "column 'colour' (column 4) is not a feature");
        assertRefused("width,height,weight\n1,2\n", "line 2: 2 cells, the header has 3");
        assertRefused("width,height,weight\n1,2,3\n4,tall,6\n", "line 3, column 2: 'tall' is not a finite number");
        assertRefused("width,height,weight\n", "no rows");
    }

    private void assertRefused(final String csv, final String expected) throws IOException
    {
        final Path input = dir.resolve("bad.csv");
        Files.writeString(input, csv);
        final BadInputException problem = assertThrows(BadInputException.class,
            () -> PredictionInput.read(input, saved, List.of("species")));
        assertTrue(problem.getMessage().contains(expected), problem.getMessage());
        assertFalse(problem.getMessage().contains("\n"), problem.getMessage());
    }
}
