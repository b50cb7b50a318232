import io.descent.transport.wire.*; import org.agrona.concurrent.UnsafeBuffer; import java.nio.*;
public class CmBench { public static void main(String[] a) throws Exception {
  int chunk = 65344, total = 23*1024*1024; UnsafeBuffer buf = new UnsafeBuffer(ByteBuffer.allocateDirect(total));
  UnsafeBuffer hb = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH)); ChunkHeader h = new ChunkHeader().wrap(hb,0);
  DataKey key = DataKey.derive("descent bench transport key".getBytes(), 1, "x");
  for (ChunkAuth auth : new ChunkAuth[]{ChunkAuth.AES_GMAC, ChunkAuth.CHACHA20_POLY1305, ChunkAuth.AES_GMAC, ChunkAuth.CHACHA20_POLY1305}) {
    ChunkMac mac = new ChunkMac(auth, key); long seq = 1;
    h.putMessage(MessageKind.GRADIENT, 3, 77L, 99L, 12L, 0L, chunk/4, chunk, auth, key.id());
    for (int round=0; round<3; round++) { long t0=System.nanoTime(); int n=0;
      for (int r=0;r<10;r++) for (int off=0; off+chunk<=total; off+=chunk) { h.putChunk(0,1,chunk,0,chunk).sequence(seq++); mac.begin(5, h, false).update(buf, off, chunk).sign(hb, 0); n++; }
      System.out.printf("%s round %d: %.2f GB/s%n", auth.label(), round, (double)n*chunk/(System.nanoTime()-t0)); }
  }
}}
