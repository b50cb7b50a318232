import org.nd4j.linalg.factory.Nd4j; import org.nd4j.linalg.api.ndarray.INDArray; import org.nd4j.linalg.api.buffer.DataType; import org.nd4j.linalg.indexing.NDArrayIndex;
public class AxpyPos { public static void main(String[] a) {
  int n = 168003, cut = 84001; Nd4j.getRandom().setSeed(7);
  INDArray x = Nd4j.rand(DataType.FLOAT, n).subi(0.5f), y0 = Nd4j.rand(DataType.FLOAT, n).subi(0.5f);
  for (double alpha : new double[]{-0.01, -0.0137, 1.0/3}) {
    INDArray whole = y0.dup(); Nd4j.getBlasWrapper().level1().axpy(n, alpha, x, whole);
    INDArray p1 = y0.get(NDArrayIndex.interval(0, cut)).dup(), p2 = y0.get(NDArrayIndex.interval(cut, n)).dup();
    INDArray x1 = x.get(NDArrayIndex.interval(0, cut)).dup(), x2 = x.get(NDArrayIndex.interval(cut, n)).dup();
    Nd4j.getBlasWrapper().level1().axpy(cut, alpha, x1, p1); Nd4j.getBlasWrapper().level1().axpy(n-cut, alpha, x2, p2);
    float[] w = whole.toFloatVector(), q1 = p1.toFloatVector(), q2 = p2.toFloatVector(); int diff=0, first=-1, fmaLike=0;
    float[] xs = x.toFloatVector(), ys = y0.toFloatVector();
    for (int i=0;i<n;i++){ float s = i<cut? q1[i]: q2[i-cut]; if (Float.floatToIntBits(s)!=Float.floatToIntBits(w[i])) { diff++; if(first<0) first=i; } if (w[i] == (float)Math.fma((float)alpha, xs[i], ys[i]) ) fmaLike++; }
    int plain=0; for (int i=0;i<n;i++) if (w[i] == ys[i] + (float)alpha*xs[i]) plain++;
    System.out.printf("alpha %g: halves differ from whole at %d elements (first %d); whole == fma at %d, == mul+add at %d of %d%n", alpha, diff, first, fmaLike, plain, n);
  }
}}
