package io.descent.transport;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.descent.transport.config.TransportSettings;
import io.descent.transport.driver.TransportDriver;
import io.descent.transport.receive.BufferReceiver;
import io.descent.transport.receive.ReceiveListener;
import io.descent.transport.send.BufferSender;
import io.descent.transport.send.ChunkSink;
import io.descent.transport.send.PublicationChunkSink;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Entry point of the data plane: owns the media driver and client of this process and makes senders, receivers and
 * receiver agents from one validated {@link TransportSettings}. Thread-safe; the objects it makes are documented
 * on their own. Close it last (after the senders and receivers it made).
 */
public final class Transport implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    private final TransportSettings settings;
    private final TransportDriver driver;
    private final Channels channels;
    private final NanoClock clock = SystemNanoClock.INSTANCE;

    private Transport(final TransportSettings settings, final TransportDriver driver)
    {
        this.settings = settings;
        this.driver = driver;
        this.channels = new Channels(settings.driver());
    }

    /**
     * Starts (or connects to) the media driver.
     *
     * @param settings validated settings.
     * @return the transport.
     * @throws IllegalStateException when the driver cannot start or be reached.
     */
    public static Transport start(final TransportSettings settings)
    {
        return new Transport(settings, TransportDriver.start(settings.driver()));
    }

    /** @return channel strings following these settings. */
    public Channels channels()
    {
        return channels;
    }

    /** @return the settings. */
    public TransportSettings settings()
    {
        return settings;
    }

    /** @return the driver and client. */
    public TransportDriver driver()
    {
        return driver;
    }

    /** @return the Aeron client. */
    public Aeron aeron()
    {
        return driver.aeron();
    }

    /** @return the clock deadlines must be computed with ({@code System.nanoTime}). */
    public NanoClock clock()
    {
        return clock;
    }

    /**
     * Makes a sender over a new exclusive publication. Does not wait for a subscriber: {@code send} does, until
     * its deadline.
     *
     * @param channel  e.g. {@code channels().ipc()} or {@code channels().udp("host:port")}.
     * @param streamId the stream the receiver subscribes to.
     * @return a sender for one thread.
     */
    public BufferSender newSender(final String channel, final int streamId)
    {
        return newSender(channel, streamId, UnaryOperator.identity());
    }

    /**
     * Makes a sender whose chunks pass through {@code decorator} on the way to the publication (fault injection in
     * tests, tracing).
     */
    public BufferSender newSender(final String channel, final int streamId, final UnaryOperator<ChunkSink> decorator)
    {
        final ExclusivePublication publication = aeron().addExclusivePublication(channel, streamId);
        try
        {
            return new BufferSender(decorator.apply(new PublicationChunkSink(publication)), settings.sender(), clock);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(publication);
            throw ex;
        }
    }

    /**
     * Makes a sender that broadcasts every message to all {@code endpoints} with one copy into one
     * multi-destination-cast publication, paced by the slowest receiver. It reports connected (and sends) only
     * once every endpoint's receiver has joined.
     *
     * @param endpoints {@code host:port} of each receiver.
     * @param streamId  the stream the receivers subscribe to.
     * @return a sender for one thread.
     */
    public BufferSender newBroadcastSender(final List<String> endpoints, final int streamId)
    {
        final ExclusivePublication publication = aeron().addExclusivePublication(channels.broadcast(endpoints), streamId);
        try
        {
            for (final String endpoint : endpoints)
            {
                publication.addDestination(Channels.destination(endpoint));
            }
            return new BufferSender(new PublicationChunkSink(publication), settings.sender(), clock);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(publication);
            throw ex;
        }
    }

    /**
     * Makes a receiver over a new subscription. Poll it with {@link #startAgent(BufferReceiver)} or by calling
     * {@code doWork()} in a loop on one thread.
     *
     * @param channel  e.g. {@code channels().ipc()} or {@code channels().udp("0.0.0.0:port")}.
     * @param streamId the stream senders publish to.
     * @param listener told of each registered message's outcome, on the polling thread.
     * @return the receiver.
     */
    public BufferReceiver newReceiver(final String channel, final int streamId, final ReceiveListener listener)
    {
        final Subscription subscription = aeron().addSubscription(channel, streamId);
        return new BufferReceiver(subscription, settings.receiver(), listener, clock);
    }

    /**
     * Runs a receiver's duty cycle on a new daemon thread with the configured receiver idle strategy. Closing the
     * returned runner stops the thread and then closes the receiver on it.
     *
     * @param receiver a receiver nobody else polls.
     * @return the running agent.
     */
    public AgentRunner startAgent(final BufferReceiver receiver)
    {
        final AgentRunner runner = new AgentRunner(settings.receiver().idle().newStrategy(),
            ex -> LOG.error("receiver {} failed", receiver.roleName(), ex), null, receiver);
        AgentRunner.startOnThread(runner, task ->
        {
            final Thread thread = new Thread(task, receiver.roleName());
            thread.setDaemon(true);
            return thread;
        });
        return runner;
    }

    /** Closes the client and, if embedded, the driver and its directory. */
    @Override
    public void close()
    {
        driver.close();
    }
}
