package io.descent.nn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.descent.nn.ModelSpec;
import io.descent.nn.error.BadInputException;
import io.descent.nn.layer.Activation;
import io.descent.nn.layer.LayerSpec;
import io.descent.nn.layer.Padding;
import io.descent.nn.layer.Shape;
import io.descent.nn.loss.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading the image layers of {@code model.layers} and {@code data.shape}: values, defaults and one-line errors. */
class ImageLayerReaderTest
{
    private static final Shape IMAGE = Shape.image(1, 28, 28);

    @Test
    void shouldReadEveryKnob()
    {
        final ModelSpec spec = read(IMAGE, """
            { type = conv2d, filters = 8, kernel = [3, 5], stride = 2, padding = same, activation = tanh,
              init = xavier-uniform, bias-init = constant(0.1) }
            { type = conv2d, filters = 4, kernel = 3, stride = [1, 2], padding = 1 }
            { type = max-pool2d, size = 3, stride = 1 }
            { type = avg-pool2d }
            { type = flatten }
            { type = dense }""");
        final LayerSpec.Conv2d first = (LayerSpec.Conv2d)spec.layers().get(0);
        assertEquals(8, first.filters());
        assertEquals(3, first.kernelHeight());
        assertEquals(5, first.kernelWidth());
        assertEquals(2, first.strideHeight());
        assertEquals(2, first.strideWidth());
        assertEquals(Padding.SAME, first.padding());
        assertEquals(Activation.TANH, first.activation());
        assertEquals("xavier-uniform", first.weightInit().toString());
        assertEquals("constant(0.1)", first.biasInit().toString());
        final LayerSpec.Conv2d second = (LayerSpec.Conv2d)spec.layers().get(1);
        assertEquals(Padding.of(1), second.padding());
        assertEquals(1, second.strideHeight());
        assertEquals(2, second.strideWidth());
        assertEquals(Activation.RELU, second.activation());
        assertEquals("he-normal", second.weightInit().toString());
        assertEquals(new LayerSpec.Pool2d(LayerSpec.PoolKind.MAX, 3, 1), spec.layers().get(2));
        assertEquals(new LayerSpec.Pool2d(LayerSpec.PoolKind.AVERAGE, 2, 2), spec.layers().get(3));
        assertEquals(new LayerSpec.Flatten(), spec.layers().get(4));
        assertEquals(Padding.VALID, ((LayerSpec.Conv2d)read(IMAGE, """
            { type = conv2d, filters = 2, kernel = 3 }
            { type = flatten }
            { type = dense }""").layers().get(0)).padding());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{ type = conv2d, kernel = 3 }|model.layers[0].filters is missing; a conv2d layer needs its output channels, e.g. filters = 32",
        "{ type = conv2d, filters = 4 }|model.layers[0].kernel is missing; write kernel = 3 or kernel = [3, 3]",
        "{ type = conv2d, filters = 0, kernel = 3 }|model.layers[0].filters = 0 is out of range; allowed: 1..65536",
        "{ type = conv2d, filters = 4, kernel = [3, 3, 3] }|model.layers[0].kernel = [3, 3, 3] must be one integer or two, [rows, columns], each 1..4096",
        "{ type = conv2d, filters = 4, kernel = 3, padding = full }|model.layers[0].padding = 'full' is not valid; write same, valid or a number of zeros per side, e.g. padding = 1",
        "{ type = conv2d, filters = 4, kernel = 3, padding = [1, 2] }|model.layers[0].padding = [1,2] is not valid; write same, valid or a number of zeros per side, e.g. padding = 1",
        "{ type = conv2d, filters = 4, kernel = 3, activation = softmax }|model.layers[0].activation = softmax is for the dense output layer; use relu, leaky-relu, tanh, sigmoid or identity on a conv2d layer",
        "{ type = conv2d, filters = 4, kernel = 3, dilation = 2 }|unknown setting model.layers[0].dilation",
        "{ type = max-pool2d, size = 0 }|model.layers[0].size = 0 is out of range; allowed: 1..4096",
        "{ type = conv2d, filters = 4, kernel = 30 }|model.layers[0]: a 30x30 window does not fit its 1x28x28 input with padding valid (28x28 padded); use a smaller kernel or size, more padding, or fewer pooling layers before it",
        "{ type = conv2d, filters = 4, kernel = 3 }, { type = dense }|model.layers[1] (dense) gets a 4x26x26 image, but takes a flat input; put { type = flatten } before it",
        "{ type = conv2d, filters = 4, kernel = 3 }, { type = flatten }|model.layers[1] is flatten, but the last layer must be dense",
        "{ type = conv3d }|unknown layer type 'conv3d' at model.layers[0].type; valid: dense, dropout, conv2d, max-pool2d, avg-pool2d, flatten"})
    void shouldRejectWithOneLineNamingTheKey(final String layers, final String message)
    {
        final String text = layers.contains("dense") || layers.contains("flatten") ? layers :
            layers + ", { type = flatten }, { type = dense }";
        final BadInputException ex = assertThrows(BadInputException.class, () -> read(IMAGE, text));
        assertEquals(true, ex.getMessage().startsWith(message), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"));
    }

    @Test
    void shouldRejectImageLayersOnFlatRows()
    {
        final BadInputException ex = assertThrows(BadInputException.class, () -> read(Shape.flat(784), """
            { type = conv2d, filters = 4, kernel = 3 }
            { type = flatten }
            { type = dense }"""));
        assertEquals("model.layers[0] (conv2d) needs an image input [channels, height, width], but gets 784 flat " +
            "values; set data.shape, e.g. [1, 28, 28], and put no dense or flatten layer before it", ex.getMessage());
    }

    @Test
    void shouldReadTheInputShape()
    {
        assertEquals(Shape.flat(784), ModelSpecReader.inputShape(List.of(), 784, "data.shape"));
        assertEquals(Shape.image(3, 4, 5), ModelSpecReader.inputShape(List.of(3, 4, 5), 60, "data.shape"));
        assertEquals("data.shape = [1, 28, 28] holds 784 values, but each row of the data has 785 features; make " +
            "the sizes multiply to 785", assertThrows(BadInputException.class,
            () -> ModelSpecReader.inputShape(List.of(1, 28, 28), 785, "data.shape")).getMessage());
        assertEquals("data.shape = [28, 28] is not a shape; write [channels, height, width] with positive sizes, " +
            "e.g. [1, 28, 28], or [] for flat rows", assertThrows(BadInputException.class,
            () -> ModelSpecReader.inputShape(List.of(28, 28), 784, "data.shape")).getMessage());
    }

    private static ModelSpec read(final Shape input, final String layers)
    {
        final Config model = ConfigFactory.parseString("layers = [\n" + layers + "\n]")
            .withFallback(ConfigFactory.defaultReference().getConfig("descent.model"));
        return ModelSpecReader.read(model, "model", input, 10, Loss.CROSS_ENTROPY);
    }
}
