import javax.crypto.*; import javax.crypto.spec.*; import java.util.*; import java.nio.*;
public class PolyBench {
  public static void main(String[] a) throws Exception {
    int chunk = 65344; int total = 23*1024*1024; byte[] src = new byte[total]; new Random(1).nextBytes(src);
    ByteBuffer dsrc = ByteBuffer.allocateDirect(total); dsrc.put(src).clear();
    byte[] key = new byte[32]; byte[] out = new byte[64]; byte[] stage = new byte[65536];
    Cipher c = Cipher.getInstance("ChaCha20-Poly1305"); SecretKeySpec k = new SecretKeySpec(key,"ChaCha20"); byte[] iv=new byte[12]; long seq=0;
    for (int round=0; round<4; round++) {
      long t0=System.nanoTime(); for (int r=0;r<10;r++) { dsrc.clear(); dsrc.get(new byte[0]); for (int off=0; off+chunk<=total; off+=chunk) dsrc.get(off, stage, 0, chunk);} double cp = 10.0*total/(System.nanoTime()-t0);
      for (int slice : new int[]{1024, 4096, 16384, chunk}) {
        t0=System.nanoTime();
        for (int r=0;r<10;r++) for (int off=0; off+chunk<=total; off+=chunk) { seq++; for(int i=0;i<8;i++) iv[4+i]=(byte)(seq>>>(8*i));
          c.init(Cipher.ENCRYPT_MODE,k,new IvParameterSpec(iv)); for (int s=0;s<chunk;s+=slice) c.updateAAD(src,off+s,Math.min(slice,chunk-s)); c.doFinal(out,0);} 
        double g = 10.0*(total/chunk*chunk)/(System.nanoTime()-t0);
        t0=System.nanoTime();
        for (int r=0;r<10;r++) for (int off=0; off+chunk<=total; off+=chunk) { seq++; for(int i=0;i<8;i++) iv[4+i]=(byte)(seq>>>(8*i));
          c.init(Cipher.ENCRYPT_MODE,k,new IvParameterSpec(iv)); for (int s=0;s<chunk;s+=slice) { int n=Math.min(slice,chunk-s); dsrc.get(off+s, stage, 0, n); c.updateAAD(stage,0,n);} c.doFinal(out,0);} 
        double gs = 10.0*(total/chunk*chunk)/(System.nanoTime()-t0);
        t0=System.nanoTime();
        for (int r=0;r<10;r++) for (int off=0; off+chunk<=total; off+=chunk) { seq++; for(int i=0;i<8;i++) iv[4+i]=(byte)(seq>>>(8*i));
          c.init(Cipher.ENCRYPT_MODE,k,new IvParameterSpec(iv)); for (int s=0;s<chunk;s+=slice) { int n=Math.min(slice,chunk-s); c.updateAAD(dsrc.slice(off+s,n));} c.doFinal(out,0);} 
        double gd = 10.0*(total/chunk*chunk)/(System.nanoTime()-t0);
        System.out.printf("round %d copy(direct->heap) %.2f GB/s  poly aad slice %d: heap %.2f staged-from-direct %.2f direct-bb %.2f GB/s%n", round, cp, slice, g, gs, gd);
      }
    }
  }
}
