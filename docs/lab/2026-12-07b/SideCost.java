import io.descent.transport.*; import io.descent.transport.config.*; import io.descent.transport.receive.*; import io.descent.transport.send.*; import io.descent.transport.wire.*;
import org.agrona.concurrent.*; import java.nio.*; import java.lang.management.*; import java.util.*;
/** CPU time per byte of the sender (during send) and the receiver agent, per MAC, at 2 MB and 23 MB. */
public class SideCost { static ChunkAuth[] AUTHS; public static void main(String[] a) throws Exception { AUTHS = a.length>0 ? new ChunkAuth[]{ChunkAuth.valueOf(a[0])} : new ChunkAuth[]{ChunkAuth.CRC_ONLY, ChunkAuth.CHACHA20_POLY1305, ChunkAuth.AES_GMAC};
  ThreadMXBean tm = ManagementFactory.getThreadMXBean();
  TransportSettings settings = TransportSettings.load();
  try (Transport t = Transport.start(settings)) {
    int[] sizes = {2<<20, 23<<20};
    UnsafeBuffer src = new UnsafeBuffer(ByteBuffer.allocateDirect(23<<20)); for (int i=0;i<(23<<20);i+=4) src.putInt(i, i*31);
    UnsafeBuffer dst = new UnsafeBuffer(ByteBuffer.allocateDirect(23<<20));
    int stream = 9100;
    for (int pass=0; pass<2; pass++)
    for (ChunkAuth auth : AUTHS) {
      ReceiveListener q = new ReceiveListener(){ public void onComplete(ReceiveSlot s){} public void onIncomplete(ReceiveSlot s){} };
      BufferReceiver r = t.newReceiver(t.channels().ipc(), ++stream, q);
      BufferSender s = t.newSender(t.channels().ipc(), stream);
      if (auth.authenticates()) { DataKey k = DataKey.derive("k".getBytes(), stream, "x"); s.authenticate(auth,k); r.authenticate(auth,k); r.bindSession(0, s.sessionId()); }
      AgentRunner ag = t.startAgent(r);
      while (ag.thread()==null) Thread.sleep(1);
      long rid = ag.thread().getId();
      ReceiveSlot slot = new ReceiveSlot(); long step=0;
      for (int size : sizes) {
        long sCpu=0, rCpu=0, wall=0; int n = size < (4<<20) ? 2000 : 200; int warm = n/2;
        for (int i=0;i<n+warm;i++) {
          MessageId id = new MessageId(1L,1L,MessageKind.GRADIENT, step++, 0,0,size/4);
          slot.expect(id, dst, 0, size, System.nanoTime()+60_000_000_000L); r.register(slot);
          long r0 = tm.getThreadCpuTime(rid), c0 = tm.getCurrentThreadCpuTime(), w0=System.nanoTime();
          SendResult res = s.send(id, src, 0, size, System.nanoTime()+60_000_000_000L); if(!res.isSent()) throw new IllegalStateException(""+res);
          long c1 = tm.getCurrentThreadCpuTime();
          while (slot.state()==ReceiveSlot.State.ACTIVE||slot.state()==ReceiveSlot.State.PENDING) Thread.onSpinWait();
          long w1=System.nanoTime(); long r1 = tm.getThreadCpuTime(rid);
          if (slot.state()!=ReceiveSlot.State.COMPLETE) throw new IllegalStateException("incomplete");
          if (i>=warm) { sCpu+=c1-c0; rCpu+=r1-r0; wall+=w1-w0; }
        }
        double bytes=(double)size*n;
        System.out.printf("pass %d chunk %d %-18s %4dMB  sender %.2f GB/cpu-s  receiver %.2f GB/cpu-s  wall %.2f GB/s%n", pass, s.chunkLength(), auth.label(), size>>20, bytes/sCpu, bytes/rCpu, bytes/wall);
      }
      ag.close(); s.close();
    }
  }
}}
