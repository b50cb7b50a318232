import javax.crypto.*; import javax.crypto.spec.*; import java.util.*; import java.nio.*;
public class PolyAlign { public static void main(String[] a) throws Exception {
  int chunk = 65344, total = 23*1024*1024; ByteBuffer dsrc = ByteBuffer.allocateDirect(total); byte[] stage = new byte[4096]; byte[] out = new byte[64];
  Cipher c = Cipher.getInstance("ChaCha20-Poly1305"); SecretKeySpec k = new SecretKeySpec(new byte[32],"ChaCha20"); byte[] iv=new byte[12]; long seq=0;
  for (int round=0; round<4; round++) for (int prefix : new int[]{0, 92, 96}) { byte[] pre = new byte[prefix];
    long t0=System.nanoTime();
    for (int r=0;r<10;r++) for (int off=0; off+chunk<=total; off+=chunk) { seq++; for(int i=0;i<8;i++) iv[4+i]=(byte)(seq>>>(8*i));
      c.init(Cipher.ENCRYPT_MODE,k,new IvParameterSpec(iv)); if (prefix>0) c.updateAAD(pre,0,prefix); for (int s=0;s<chunk;s+=4096) { int n=Math.min(4096,chunk-s); dsrc.get(off+s, stage, 0, n); c.updateAAD(stage,0,n);} c.doFinal(out,0);}
    System.out.printf("round %d prefix %d: %.2f GB/s%n", round, prefix, 10.0*(total/chunk*chunk)/(System.nanoTime()-t0)); }
}}
