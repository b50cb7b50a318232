import io.descent.transport.wire.*; import org.agrona.concurrent.UnsafeBuffer; import java.nio.*; import java.lang.management.*;
public class ChunkCost { public static void main(String[] a) throws Exception {
  ThreadMXBean tm = ManagementFactory.getThreadMXBean();
  int total = 23*1024*1024; UnsafeBuffer buf = new UnsafeBuffer(ByteBuffer.allocateDirect(total));
  UnsafeBuffer hb = new UnsafeBuffer(ByteBuffer.allocateDirect(ChunkHeader.LENGTH)); ChunkHeader h = new ChunkHeader().wrap(hb,0);
  DataKey key = DataKey.derive("descent bench transport key".getBytes(), 1, "x");
  for (int chunk : new int[]{0, 64, 65344, 0, 65344})
  for (ChunkAuth auth : new ChunkAuth[]{ChunkAuth.AES_GMAC, ChunkAuth.CHACHA20_POLY1305}) {
    ChunkMac mac = new ChunkMac(auth, key); long seq = 1;
    h.putMessage(MessageKind.GRADIENT, 3, 77L, 99L, 12L, 0L, chunk/4, chunk, auth, key.id());
    int n=0; long c0=tm.getCurrentThreadCpuTime();
    int reps = chunk < 1000 ? 200000 : 3000;
    for (int r=0;r<reps;r++) { int off = chunk==0?0:(int)((long)r*chunk % (total-chunk)); h.putChunk(0,1,chunk,0,chunk).sequence(seq++); mac.begin(5, h, false).update(buf, off, chunk).sign(hb, 0); n++; }
    long cpu = tm.getCurrentThreadCpuTime()-c0;
    System.out.printf("%-20s chunk %6d: %.3f us cpu/chunk, %.2f GB/s cpu%n", auth.label(), chunk, cpu/1e3/n, chunk==0?0:(double)n*chunk/cpu);
  }
  // CRC32C
  java.util.zip.CRC32C crc = new java.util.zip.CRC32C(); ByteBuffer bb = buf.byteBuffer();
  for (int k=0;k<3;k++){ long c0=tm.getCurrentThreadCpuTime(); int n=0; for(int r=0;r<3000;r++){ int off=(int)((long)r*65344%(total-65344)); bb.limit(off+65344).position(off); crc.reset(); crc.update(bb); n++;} long cpu=tm.getCurrentThreadCpuTime()-c0; System.out.printf("crc32c 65344: %.2f GB/s cpu%n",(double)n*65344/cpu);}
  UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(4<<20));
  for (int k=0;k<3;k++){ long c0=tm.getCurrentThreadCpuTime(); int n=0; for(int r=0;r<3000;r++){ int off=(int)((long)r*65344%(total-65344)); dst.putBytes((r*65344)%((4<<20)-65344), buf, off, 65344); n++;} long cpu=tm.getCurrentThreadCpuTime()-c0; System.out.printf("copy 65344: %.2f GB/s cpu%n",(double)n*65344/cpu);}
}}
