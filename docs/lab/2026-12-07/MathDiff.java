public class MathDiff { public static void main(String[] a) {
  java.util.SplittableRandom r = new java.util.SplittableRandom(1);
  String[] names = {"exp","log","tanh","pow","sqrt","sin","cbrt","expm1","log1p","exp(float)"};
  long[] h = new long[names.length];
  for (int i=0;i<2_000_000;i++){ double x = r.nextDouble(-20,20); double p = Math.abs(x)+1e-3;
    double[] v = {Math.exp(x), Math.log(p), Math.tanh(x), Math.pow(p, 0.37), Math.sqrt(p), Math.sin(x), Math.cbrt(x), Math.expm1(x), Math.log1p(p), (float)Math.exp((float)x)};
    for (int k=0;k<v.length;k++) h[k] = h[k]*31 + Double.doubleToRawLongBits(v[k]); }
  for (int k=0;k<names.length;k++) System.out.println(names[k]+" "+Long.toHexString(h[k]));
}}
