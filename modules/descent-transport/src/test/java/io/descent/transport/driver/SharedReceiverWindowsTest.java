package io.descent.transport.driver;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.status.SenderLimit;
import io.descent.transport.Channels;
import io.descent.transport.TestTransports;
import io.descent.transport.Transport;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real media driver with {@code receiver-window = auto}: the windows the receiver grants two senders on one socket
 * (seen as the senders' position limits before anything is sent) fit the socket's payload budget together.
 */
class SharedReceiverWindowsTest
{
    private static final int STREAM = 4711;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Path baseDir;

    @BeforeEach
    void makeBaseDir()
    {
        baseDir = TestTransports.newBaseDir();
    }

    @AfterEach
    void deleteBaseDir()
    {
        TestTransports.deleteBaseDir(baseDir);
    }

    @Test
    void shouldGrantTwoSendersOfOneSocketHalfItsBudgetEach()
    {
        // 1m requested: 1m granted on any host whose rmem_max allows it (the kernel reserves 2m), else what it allows.
        final ReceiverWindow rule = ReceiverWindow.probe(1024 * 1024, 16 * 1024 * 1024);
        try (Transport transport = Transport.start(TestTransports.settings(baseDir,
                "driver { socket-rcvbuf = 1m, threading-mode = shared }"));
            Subscription subscription = transport.aeron().addSubscription(
                transport.channels().udp("127.0.0.1:0"), STREAM))
        {
            TestTransports.await(() -> null != subscription.tryResolveChannelEndpointPort(), WAIT, "bound");
            final String endpoint = Channels.endpointOf(subscription.tryResolveChannelEndpointPort());
            final int mtu = transport.settings().driver().loopbackMtu();

            try (ExclusivePublication first = connect(transport, endpoint))
            {
                final long alone = awaitLimit(transport.aeron(), first, rule.perSender(1, mtu));
                try (ExclusivePublication second = connect(transport, endpoint))
                {
                    TestTransports.await(() -> subscription.imageCount() == 2, WAIT, "two images");
                    final long shared = awaitLimit(transport.aeron(), second, rule.perSender(2, mtu));

                    assertEquals(rule.perSender(1, mtu), alone);
                    assertEquals(rule.perSender(2, mtu), shared);
                    assertTrue(rule.perSender(2, mtu) * 2L <= rule.budget() || !rule.fits(2, mtu),
                        "two windows of " + shared + " fit a budget of " + rule.budget());
                    assertTrue(shared < alone || rule.budget() / 2 >= rule.maxWindow(),
                        "a second sender on the socket gets a smaller window than the first alone");
                }
            }
        }
    }

    private static ExclusivePublication connect(final Transport transport, final String endpoint)
    {
        final ExclusivePublication publication = transport.aeron().addExclusivePublication(
            transport.channels().udp(endpoint), STREAM);
        TestTransports.await(publication::isConnected, WAIT, "publication connected");
        return publication;
    }

    /** @return the sender's position limit once it equals {@code expected} (nothing sent yet: the window). */
    private static long awaitLimit(final Aeron aeron, final ExclusivePublication publication, final long expected)
    {
        final long[] limit = {-1};
        TestTransports.await(() ->
        {
            limit[0] = senderLimit(aeron.countersReader(), publication.sessionId());
            return limit[0] == expected;
        }, WAIT, "sender limit " + expected + " of session " + publication.sessionId() + " (last " + limit[0] + ")");
        return limit[0];
    }

    private static long senderLimit(final CountersReader counters, final int sessionId)
    {
        final long[] value = {-1};
        counters.forEach((counterId, typeId, key, label) ->
        {
            // Stream counter key: registration id (8 bytes), session id, stream id.
            if (typeId == SenderLimit.SENDER_LIMIT_TYPE_ID && key.getInt(8) == sessionId)
            {
                value[0] = counters.getCounterValue(counterId);
            }
        });
        return value[0];
    }
}
