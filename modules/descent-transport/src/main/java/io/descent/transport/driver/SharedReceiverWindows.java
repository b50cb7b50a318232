package io.descent.transport.driver;

import io.aeron.CommonContext;
import io.aeron.driver.CongestionControl;
import io.aeron.driver.CongestionControlSupplier;
import io.aeron.driver.DefaultCongestionControlSupplier;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.media.UdpChannel;
import io.descent.transport.config.Sizes;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.CountersManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The media driver's receiver-side congestion control when {@code descent.transport.driver.receiver-window = auto}:
 * the images of one receive socket share its payload budget ({@link ReceiverWindow}), so a burst of every sender at
 * once is paced by the window instead of overflowing the socket. Each image's window is the budget divided by the
 * images currently open on its subscription's socket; when one joins or goes, the others' windows follow at their
 * next status message (Aeron sends one whenever the window changes). A sender keeps the highest limit it was given,
 * so a shrink takes hold as the receiver consumes: once, a sender may still fill the larger window it had. A channel
 * that names its own {@code rcv-wnd} or {@code cc} keeps Aeron's behaviour for it.
 *
 * <p>One instance per media driver. {@link #newInstance} and the controls' {@code close} run on the driver's
 * conductor thread, {@code onTrackRebuild} on its receiver thread; the image counts are atomic.
 */
public final class SharedReceiverWindows implements CongestionControlSupplier
{
    private static final Logger LOG = LoggerFactory.getLogger(SharedReceiverWindows.class);

    private final ReceiverWindow rule;
    private final CongestionControlSupplier aeronDefault = new DefaultCongestionControlSupplier();
    private final Map<String, AtomicInteger> imagesBySocket = new ConcurrentHashMap<>();

    /** @param rule the sizing rule, from the socket buffer the kernel grants. */
    public SharedReceiverWindows(final ReceiverWindow rule)
    {
        this.rule = rule;
    }

    /** @return the sizing rule. */
    public ReceiverWindow rule()
    {
        return rule;
    }

    /**
     * @param subscriptionChannel the canonical form of a subscription's channel (one receive socket).
     * @return the images open on that socket now.
     */
    public int images(final String subscriptionChannel)
    {
        final AtomicInteger count = imagesBySocket.get(subscriptionChannel);
        return null == count ? 0 : count.get();
    }

    @Override
    public CongestionControl newInstance(
        final long registrationId,
        final UdpChannel udpChannel,
        final int streamId,
        final int sessionId,
        final int termLength,
        final int senderMtuLength,
        final InetSocketAddress controlAddress,
        final InetSocketAddress sourceAddress,
        final NanoClock nanoClock,
        final MediaDriver.Context context,
        final CountersManager countersManager)
    {
        if (null != udpChannel.channelUri().get(CommonContext.RECEIVER_WINDOW_LENGTH_PARAM_NAME) ||
            null != udpChannel.channelUri().get(CommonContext.CONGESTION_CONTROL_PARAM_NAME))
        {
            return aeronDefault.newInstance(registrationId, udpChannel, streamId, sessionId, termLength,
                senderMtuLength, controlAddress, sourceAddress, nanoClock, context, countersManager);
        }
        final String socket = udpChannel.canonicalForm();
        final AtomicInteger images = imagesBySocket.computeIfAbsent(socket, key -> new AtomicInteger());
        final int now = images.incrementAndGet();
        final int window = rule.perSender(now, senderMtuLength);
        if (!rule.fits(now, senderMtuLength))
        {
            LOG.warn("receiver socket {} has {} senders and holds {} of payload: less than one {}-byte frame each," +
                " so bursts can overflow it (raise net.core.rmem_max or descent.transport.driver.socket-rcvbuf)",
                socket, now, Sizes.format(rule.budget()), senderMtuLength);
        }
        LOG.info("receiver window {} per sender on {} ({} sender{}, session {} from {})", Sizes.format(window),
            socket, now, now == 1 ? "" : "s", sessionId, sourceAddress);
        return new SharedWindowControl(rule, images, senderMtuLength);
    }

    /** One image's window: its socket's budget over the socket's open images. Receiver thread, except close. */
    private static final class SharedWindowControl implements CongestionControl
    {
        private final ReceiverWindow rule;
        private final AtomicInteger images;
        private final int senderMtu;
        private final int maxWindow;
        private boolean closed;

        SharedWindowControl(final ReceiverWindow rule, final AtomicInteger images, final int senderMtu)
        {
            this.rule = rule;
            this.images = images;
            this.senderMtu = senderMtu;
            this.maxWindow = rule.perSender(1, senderMtu);
        }

        @Override
        public long onTrackRebuild(
            final long nowNs,
            final long newConsumptionPosition,
            final long lastSmPosition,
            final long hwmPosition,
            final long startingRebuildPosition,
            final long endingRebuildPosition,
            final boolean lossOccurred)
        {
            return CongestionControl.packOutcome(rule.perSender(images.get(), senderMtu), false);
        }

        @Override
        public int initialWindowLength()
        {
            return rule.perSender(images.get(), senderMtu);
        }

        @Override
        public int maxWindowLength()
        {
            return maxWindow;
        }

        @Override
        public boolean shouldMeasureRtt(final long nowNs)
        {
            return false;
        }

        @Override
        public void onRttMeasurementSent(final long nowNs)
        {
        }

        @Override
        public void onRttMeasurement(final long nowNs, final long rttNs, final InetSocketAddress srcAddress)
        {
        }

        @Override
        public void close()
        {
            if (!closed)
            {
                closed = true;
                images.decrementAndGet();
            }
        }
    }
}
