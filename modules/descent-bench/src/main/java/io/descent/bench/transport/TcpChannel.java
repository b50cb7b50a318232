package io.descent.bench.transport;

import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A plain java.nio TCP transfer on loopback: blocking channels, the sender writes from the off-heap source, a
 * receiver thread reads straight into the off-heap destination and answers one byte when it has everything.
 */
final class TcpChannel implements BenchChannel
{
    private final ServerSocketChannel server;
    private final SocketChannel client;
    private final SocketChannel accepted;
    private final ExecutorService receiverThread = Executors.newSingleThreadExecutor(task ->
    {
        final Thread thread = new Thread(task, "bench-tcp-receiver");
        thread.setDaemon(true);
        return thread;
    });
    private final ByteBuffer ack = ByteBuffer.allocateDirect(1);
    private final ByteBuffer ackIn = ByteBuffer.allocateDirect(1);

    TcpChannel() throws IOException
    {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        client = SocketChannel.open(server.getLocalAddress());
        accepted = server.accept();
    }

    @Override
    public String name()
    {
        return "tcp";
    }

    @Override
    public long transfer(final UnsafeBuffer source, final UnsafeBuffer destination, final int length) throws Exception
    {
        final ByteBuffer in = view(destination, length);
        final ByteBuffer out = view(source, length);
        final long start = System.nanoTime();
        final Future<?> received = receiverThread.submit(() ->
        {
            while (in.hasRemaining())
            {
                accepted.read(in);
            }
            ack.clear();
            accepted.write(ack);
            return null;
        });
        while (out.hasRemaining())
        {
            client.write(out);
        }
        ackIn.clear();
        while (ackIn.hasRemaining())
        {
            if (client.read(ackIn) < 0)
            {
                throw new IOException("receiver closed the connection");
            }
        }
        final long elapsed = System.nanoTime() - start;
        received.get();
        return elapsed;
    }

    private static ByteBuffer view(final UnsafeBuffer buffer, final int length)
    {
        final ByteBuffer whole = buffer.byteBuffer().duplicate();
        whole.limit(buffer.wrapAdjustment() + length).position(buffer.wrapAdjustment());
        return whole.slice();
    }

    @Override
    public void close()
    {
        receiverThread.shutdownNow();
        CloseHelper.quietCloseAll(client, accepted, server);
    }
}
