package io.descent.transport.driver;

import io.aeron.driver.CongestionControl;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.media.UdpChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receiver window rule: the windows of one socket's senders together fit the payload the socket holds. */
class ReceiverWindowTest
{
    private static final int MIB = 1024 * 1024;
    private static final int MTU = 1408;

    /** The host of issue 18: rmem_max 4 MiB (the kernel reserves 8), two workers sending to one server at MTU 1500. */
    @Test
    void shouldSplitTheSocketBudgetAmongItsSenders()
    {
        final ReceiverWindow rule = ReceiverWindow.of(4 * MIB, 4 * MIB, 16 * MIB);

        assertEquals(4 * MIB, rule.budget());
        assertEquals(4 * MIB, rule.perSender(1, MTU), "one sender has the whole budget");
        assertEquals(2 * MIB, rule.perSender(2, MTU), "two senders' windows fit together, not 2 x 4 MiB");
        assertEquals(1364 * 1024, rule.perSender(3, MTU), "4 MiB / 3 rounded down to 4 KiB");
        for (int senders = 1; senders <= 64; senders++)
        {
            assertTrue((long)rule.perSender(senders, MTU) * senders <= rule.budget(), senders + " senders");
            assertTrue(rule.fits(senders, MTU));
        }
    }

    @Test
    void shouldCapTheWindowAtTheRequestedBufferAndHalfTheTerm()
    {
        assertEquals(MIB, ReceiverWindow.of(32 * MIB, 32 * MIB, 2 * MIB).perSender(1, MTU), "half a 2 MiB term");
        assertEquals(4 * MIB, ReceiverWindow.of(16 * MIB, 4 * MIB, 16 * MIB).perSender(1, MTU),
            "a system that grants more than asked: the configured socket-rcvbuf");
        assertEquals(MIB, ReceiverWindow.of(4 * MIB, 4 * MIB, 16 * MIB).perSender(4, MTU));
    }

    /** A container's default rmem_max (208 KiB) with a loopback sender: one frame each, and the rule says so. */
    @Test
    void shouldKeepAtLeastOneFrameAndSayWhenTheBudgetIsTooSmall()
    {
        final ReceiverWindow rule = ReceiverWindow.of(212992, 4 * MIB, 16 * MIB);

        assertEquals(208 * 1024, rule.perSender(1, MTU));
        assertEquals(16 * 1024, rule.perSender(13, MTU));
        assertEquals(65504, rule.perSender(8, 65504), "Aeron needs a window of at least one frame");
        assertFalse(rule.fits(8, 65504));
        assertTrue(rule.fits(8, MTU));
    }

    /** The probe reads back what a socket really gets: at most what was asked (Java halves Linux's doubling). */
    @Test
    void shouldProbeWhatTheKernelGrants()
    {
        final ReceiverWindow rule = ReceiverWindow.probe(128 * 1024, 16 * MIB);

        assertTrue(rule.grantedRcvbuf() >= 2 * 1024, "granted " + rule.grantedRcvbuf());
        assertTrue(rule.budget() <= 128 * 1024, "budget " + rule.budget());
        assertEquals(Math.min(rule.grantedRcvbuf(), 128 * 1024), rule.budget());
        assertEquals(128 * 1024, rule.maxWindow());
    }

    /** Images of one socket share it as they come and go; a channel with its own rcv-wnd keeps Aeron's window. */
    @Test
    void shouldShareTheBudgetAmongTheImagesOpenOnOneSocket()
    {
        final SharedReceiverWindows windows = new SharedReceiverWindows(ReceiverWindow.of(4 * MIB, 4 * MIB, 16 * MIB));
        final UdpChannel socket = UdpChannel.parse("aeron:udp?endpoint=127.0.0.1:40123");
        final UdpChannel other = UdpChannel.parse("aeron:udp?endpoint=127.0.0.1:40124");

        final CongestionControl first = image(windows, socket, 1);
        assertEquals(4 * MIB, first.initialWindowLength());
        assertEquals(4 * MIB, window(first));

        final CongestionControl second = image(windows, socket, 2);
        final CongestionControl elsewhere = image(windows, other, 3);
        assertEquals(2, windows.images(socket.canonicalForm()));
        assertEquals(2 * MIB, second.initialWindowLength());
        assertEquals(2 * MIB, window(first), "the first sender's window shrinks when a second joins its socket");
        assertEquals(4 * MIB, first.maxWindowLength());
        assertEquals(4 * MIB, window(elsewhere), "another socket has its own budget");

        second.close();
        second.close();
        assertEquals(1, windows.images(socket.canonicalForm()), "closing twice counts once");
        assertEquals(4 * MIB, window(first));

        final CongestionControl fixed = image(windows,
            UdpChannel.parse("aeron:udp?endpoint=127.0.0.1:40123|rcv-wnd=128k"), 4);
        assertEquals(128 * 1024, window(fixed));
        assertEquals(4 * MIB, window(first), "a channel's own rcv-wnd is not counted");
        first.close();
        elsewhere.close();
        fixed.close();
    }

    private static CongestionControl image(
        final SharedReceiverWindows windows, final UdpChannel channel, final int sessionId)
    {
        return windows.newInstance(sessionId, channel, 7, sessionId, 16 * MIB, MTU, null, null, System::nanoTime,
            new MediaDriver.Context(), null);
    }

    private static int window(final CongestionControl control)
    {
        return CongestionControl.receiverWindowLength(control.onTrackRebuild(0, 0, 0, 0, 0, 0, false));
    }
}
