package io.descent.bench;

import io.descent.nn.Model;
import io.descent.nn.ModelSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code bench compute} counts the FLOPs the layers do: the first layer computes no input gradient. */
class ComputeBenchCommandTest
{
    @Test
    void shouldCountTheFirstLayersBackwardWithoutAnInputGradient()
    {
        final Model mlp = Model.create(ModelSpec.parseMlp("4-3-2"), 1);
        // 4·3 and 3·2 multiply-adds: the first layer forward 2× and dW 2×, the second forward 2×, dW 2× and dX 2×.
        assertEquals(4.0 * 12 + 6.0 * 6, ComputeBenchCommand.stepFlopsPerExample(mlp), 0.0);
    }
}
