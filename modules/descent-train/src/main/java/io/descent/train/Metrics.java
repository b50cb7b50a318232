package io.descent.train;

/**
 * Evaluation of a model on a split.
 *
 * @param loss     mean loss.
 * @param accuracy share of correctly classified examples (classification), else NaN.
 * @param rmse     root mean squared error over all targets (regression), else NaN.
 * @param examples examples evaluated.
 */
public record Metrics(double loss, double accuracy, double rmse, int examples)
{
    /** @return true for classification metrics. */
    public boolean isClassification()
    {
        return !Double.isNaN(accuracy);
    }

    /** @return e.g. {@code loss 0.3121 accuracy 88.91%} or {@code loss 0.0102 rmse 0.1010}. */
    public String describe()
    {
        return isClassification() ?
            String.format("loss %.4f accuracy %.2f%%", loss, 100.0 * accuracy) :
            String.format("loss %.4f rmse %.4f", loss, rmse);
    }
}
