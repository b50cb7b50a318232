package io.descent.bench.transport;

import akka.actor.AbstractActor;
import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.actor.Address;
import akka.actor.ExtendedActorSystem;
import akka.actor.Props;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Akka Artery (TCP) between two actor systems in this JVM: the buffer travels as {@code byte[]} messages of
 * {@value #CHUNK} bytes (under Artery's 256 KiB frame limit), with a window of {@value #WINDOW_CHUNKS} chunks in
 * flight and cumulative acks every {@value #ACK_EVERY} chunks, so the sender never floods the receiver's mailbox.
 * The receiving actor copies each chunk into the destination.
 */
final class ArteryChannel implements BenchChannel
{
    static final int CHUNK = 128 * 1024;
    static final int WINDOW_CHUNKS = 64;
    static final int ACK_EVERY = 8;

    private final ActorSystem receivingSystem;
    private final ActorSystem sendingSystem;
    private final ActorRef receiver;
    private final ActorRef sender;

    ArteryChannel() throws Exception
    {
        final Config config = ConfigFactory.parseString(
            "akka { loglevel = WARNING, stdout-loglevel = WARNING, log-dead-letters = off\n" +
            "  loggers = [\"akka.event.slf4j.Slf4jLogger\"], logging-filter = \"akka.event.slf4j.Slf4jLoggingFilter\"\n" +
            "  actor { provider = remote, allow-java-serialization = off }\n" +
            "  remote.artery { transport = tcp, canonical { hostname = \"127.0.0.1\", port = 0 } } }")
            .withFallback(ConfigFactory.defaultReference());
        receivingSystem = ActorSystem.create("bench-receiver", config);
        sendingSystem = ActorSystem.create("bench-sender", config);
        receiver = receivingSystem.actorOf(Props.create(ReceiverActor.class, ReceiverActor::new), "receiver");
        final Address address = ((ExtendedActorSystem)receivingSystem).provider().getDefaultAddress();
        final ActorRef remoteReceiver = sendingSystem.actorSelection(address + "/user/receiver")
            .resolveOne(Duration.ofSeconds(10)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        sender = sendingSystem.actorOf(Props.create(SenderActor.class, () -> new SenderActor(remoteReceiver)), "sender");
    }

    @Override
    public String name()
    {
        return "artery";
    }

    @Override
    public long transfer(final UnsafeBuffer source, final UnsafeBuffer destination, final int length) throws Exception
    {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        receiver.tell(new Expect(destination, length, done), ActorRef.noSender());
        final long start = System.nanoTime();
        sender.tell(new Start(source, length), ActorRef.noSender());
        final long end = done.get(10, TimeUnit.MINUTES);
        return end - start;
    }

    @Override
    public void close()
    {
        // One after the other: the sender's orderly shutdown tells the receiver, instead of both seeing an
        // aborted connection (which Akka logs as a warning).
        try
        {
            sendingSystem.terminate();
            sendingSystem.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            receivingSystem.terminate();
            receivingSystem.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            LoggerFactory.getLogger(ArteryChannel.class).warn("actor systems did not terminate cleanly", ex);
        }
    }

    /** Local message: where the next transfer goes and whom to tell (never serialized: same JVM, local ref). */
    record Expect(UnsafeBuffer destination, int length, CompletableFuture<Long> done)
    {
    }

    /** Local message: send this buffer. */
    record Start(UnsafeBuffer source, int length)
    {
    }

    /** Copies arriving chunks into the destination, acking cumulatively (a serialized Long) to the sender. */
    static final class ReceiverActor extends AbstractActor
    {
        private Expect expect;
        private int received;
        private int chunks;

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(Expect.class, this::onExpect)
                .match(byte[].class, this::onChunk)
                .build();
        }

        private void onExpect(final Expect next)
        {
            expect = next;
            received = 0;
            chunks = 0;
        }

        private void onChunk(final byte[] chunk)
        {
            expect.destination().putBytes(received, chunk);
            received += chunk.length;
            chunks++;
            if (chunks % ACK_EVERY == 0 || received == expect.length())
            {
                getSender().tell((long)received, getSelf());
            }
            if (received == expect.length())
            {
                expect.done().complete(System.nanoTime());
            }
        }
    }

    /** Sends byte[] chunks while fewer than the window are unacknowledged. */
    static final class SenderActor extends AbstractActor
    {
        private final ActorRef receiver;
        private UnsafeBuffer source;
        private int length;
        private int sent;
        private long acked;

        SenderActor(final ActorRef receiver)
        {
            this.receiver = receiver;
        }

        @Override
        public Receive createReceive()
        {
            return receiveBuilder()
                .match(Start.class, this::onStart)
                .match(Long.class, this::onAck)
                .build();
        }

        private void onStart(final Start start)
        {
            source = start.source();
            length = start.length();
            sent = 0;
            acked = 0;
            pump();
        }

        private void onAck(final Long ack)
        {
            acked = Math.max(acked, ack);
            pump();
        }

        private void pump()
        {
            while (sent < length && sent - acked < (long)WINDOW_CHUNKS * CHUNK)
            {
                final byte[] chunk = new byte[Math.min(CHUNK, length - sent)];
                source.getBytes(sent, chunk);
                receiver.tell(chunk, getSelf());
                sent += chunk.length;
            }
        }
    }
}
