package io.descent.nn.optim;

import io.descent.nn.kernel.Axpy;
import io.descent.nn.kernel.BoundOp;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMultiplication;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Adam (Kingma and Ba) with bias correction, L2 weight decay added to the gradient and gradient-norm clipping:
 * <pre>
 *   m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
 *   w ← w − lr/(1 − β1^t) · m / (√(v/(1 − β2^t)) + ε)
 * </pre>
 * BLAS level-1 calls and element-wise ops bound once to the state vectors, so a step allocates nothing. Not
 * thread-safe.
 */
public final class Adam implements Optimizer
{
    private final OptimizerSettings settings;
    private final LearningRateSchedule schedule;
    private final INDArray firstMoment;
    private final INDArray secondMoment;
    private final INDArray scratch;
    private final Axpy axpy;
    private final Sqrt root;
    private final ScalarMultiplication unbias;
    private final ScalarAdd addEpsilon;
    private final BoundOp ratio;
    /** The gradient vector {@link #square} is bound to: the server's changes only when a worker is lost. */
    private INDArray boundGradients;
    private BoundOp square;

    /**
     * @param settings   hyper-parameters (beta1, beta2, epsilon, weight decay, clipping).
     * @param schedule   learning rate per step.
     * @param parameters the vector to be optimised.
     */
    public Adam(final OptimizerSettings settings, final LearningRateSchedule schedule, final INDArray parameters)
    {
        this.settings = settings;
        this.schedule = schedule;
        this.firstMoment = Nd4j.zeros(parameters.dataType(), parameters.length());
        this.secondMoment = Nd4j.zeros(parameters.dataType(), parameters.length());
        this.scratch = Nd4j.zeros(parameters.dataType(), parameters.length());
        this.axpy = new Axpy(parameters);
        this.root = new Sqrt(secondMoment, scratch);
        // Its scalar, 1/√(1 − β2^t), is rewritten in place every step.
        this.unbias = new ScalarMultiplication(scratch, null, scratch, 1.0);
        this.addEpsilon = new ScalarAdd(scratch, null, scratch, settings.epsilon());
        this.ratio = BoundOp.of(new DivOp(firstMoment, scratch, scratch));
    }

    @Override
    public double step(final INDArray parameters, final INDArray gradients, final long step)
    {
        final Level1 blas = Nd4j.getBlasWrapper().level1();
        final long n = parameters.length();
        final double rate = schedule.rate(step);
        final double beta1 = settings.beta1();
        final double beta2 = settings.beta2();
        final long t = step + 1;
        Optimizer.clipNorm(gradients, settings.clipNorm());
        if (settings.weightDecay() > 0.0)
        {
            axpy.apply(settings.weightDecay(), parameters, gradients);
        }
        blas.scal(n, beta1, firstMoment);
        axpy.apply(1.0 - beta1, gradients, firstMoment);
        squareOf(gradients).run();
        blas.scal(n, beta2, secondMoment);
        axpy.apply(1.0 - beta2, scratch, secondMoment);
        Nd4j.exec(root);
        unbias.scalar().putScalar(0, 1.0 / Math.sqrt(1.0 - Math.pow(beta2, t)));
        Nd4j.exec(unbias);
        Nd4j.exec(addEpsilon);
        ratio.run();
        axpy.apply(-rate / (1.0 - Math.pow(beta1, t)), scratch, parameters);
        return rate;
    }

    /** @return g ⊙ g into the scratch vector, bound to this gradient vector (rebound when it is another one). */
    private BoundOp squareOf(final INDArray gradients)
    {
        if (gradients != boundGradients)
        {
            if (null != square)
            {
                square.close();
            }
            square = BoundOp.of(new MulOp(gradients, gradients, scratch));
            boundGradients = gradients;
        }
        return square;
    }

    @Override
    public List<INDArray> state()
    {
        return List.of(firstMoment, secondMoment);
    }
}
