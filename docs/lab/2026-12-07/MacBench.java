import javax.crypto.*; import javax.crypto.spec.*; import java.util.*;
public class MacBench {
  public static void main(String[] a) throws Exception {
    int chunk = 65344; int total = 23*1024*1024; byte[] src = new byte[total]; new Random(1).nextBytes(src);
    byte[] dst = new byte[total]; byte[] key = new byte[32]; byte[] out = new byte[chunk+64];
    for (int round=0; round<4; round++) {
      long t0=System.nanoTime(); for (int r=0;r<10;r++) System.arraycopy(src,0,dst,0,total); double cp = 10.0*total/(System.nanoTime()-t0);
      for (int slice : new int[]{4096, 16384, chunk}) {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding"); SecretKeySpec k = new SecretKeySpec(key,"AES"); byte[] iv=new byte[12]; long seq=round*1000000L;
        t0=System.nanoTime();
        for (int r=0;r<10;r++) for (int off=0; off+chunk<=total; off+=chunk) { seq++; for(int i=0;i<8;i++) iv[4+i]=(byte)(seq>>>(8*i));
          c.init(Cipher.ENCRYPT_MODE,k,new GCMParameterSpec(128,iv)); for (int s=0;s<chunk;s+=slice) c.update(src,off+s,Math.min(slice,chunk-s),out,0); c.doFinal(out,0);} 
        double g = 10.0*(total/chunk*chunk)/(System.nanoTime()-t0);
        System.out.printf("round %d copy %.2f GB/s  gcm slice %d %.2f GB/s%n", round, cp, slice, g);
      }
      { Cipher c = Cipher.getInstance("ChaCha20-Poly1305"); SecretKeySpec k = new SecretKeySpec(key,"ChaCha20"); byte[] iv=new byte[12]; long seq=round*1000000L+500000;
        t0=System.nanoTime();
        for (int r=0;r<10;r++) for (int off=0; off+chunk<=total; off+=chunk) { seq++; for(int i=0;i<8;i++) iv[4+i]=(byte)(seq>>>(8*i));
          c.init(Cipher.ENCRYPT_MODE,k,new IvParameterSpec(iv)); for (int s=0;s<chunk;s+=4096) c.update(src,off+s,Math.min(4096,chunk-s),out,0); c.doFinal(out,0);} 
        System.out.printf("round %d chacha20-poly1305 %.2f GB/s%n", round, 10.0*(total/chunk*chunk)/(System.nanoTime()-t0)); }
      { Cipher c = Cipher.getInstance("ChaCha20-Poly1305"); SecretKeySpec k = new SecretKeySpec(key,"ChaCha20"); byte[] iv=new byte[12]; long seq=round*1000000L+700000;
        t0=System.nanoTime();
        for (int r=0;r<10;r++) for (int off=0; off+chunk<=total; off+=chunk) { seq++; for(int i=0;i<8;i++) iv[4+i]=(byte)(seq>>>(8*i));
          c.init(Cipher.ENCRYPT_MODE,k,new IvParameterSpec(iv)); c.updateAAD(src,off,chunk); c.doFinal(out,0);} 
        System.out.printf("round %d poly1305 aad-only %.2f GB/s%n", round, 10.0*(total/chunk*chunk)/(System.nanoTime()-t0)); }
      { Mac m = Mac.getInstance("HmacSHA256"); m.init(new SecretKeySpec(key,"HmacSHA256")); byte[] tag=new byte[32];
        t0=System.nanoTime(); for (int r=0;r<5;r++) for (int off=0; off+chunk<=total; off+=chunk) { m.update(src,off,chunk); m.doFinal(tag,0);} 
        System.out.printf("round %d hmac %.2f GB/s%n", round, 5.0*(total/chunk*chunk)/(System.nanoTime()-t0)); }
    }
  }
}
