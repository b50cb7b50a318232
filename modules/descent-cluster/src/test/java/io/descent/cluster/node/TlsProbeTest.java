package io.descent.cluster.node;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A dropped TLS hello is believed only when every probe sees it dropped: a seed still starting (its port bound, its TLS
 * stage not yet ready) drops the first and answers a later one.
 */
class TlsProbeTest
{
    @Test
    void shouldTakeASeedForPlainOnlyWhenEveryProbeDropsTheHello()
    {
        final Answers plain = new Answers(TlsProbe.Answer.NOT_TLS, TlsProbe.Answer.NOT_TLS, TlsProbe.Answer.NOT_TLS);
        assertEquals(TlsProbe.Answer.NOT_TLS, TlsProbe.confirmed(plain::next, 0));
        assertEquals(TlsProbe.NOT_TLS_PROBES, plain.asked);
    }

    @Test
    void shouldBelieveALaterAnswerOfASeedThatWasStillStarting()
    {
        final Answers starting = new Answers(TlsProbe.Answer.NOT_TLS, TlsProbe.Answer.TLS);
        assertEquals(TlsProbe.Answer.TLS, TlsProbe.confirmed(starting::next, 0));
        assertEquals(2, starting.asked);
        final Answers silent = new Answers(TlsProbe.Answer.NOT_TLS, TlsProbe.Answer.UNKNOWN);
        assertEquals(TlsProbe.Answer.UNKNOWN, TlsProbe.confirmed(silent::next, 0), "nothing known: joining tells");
    }

    @Test
    void shouldProbeOnceWhenTheFirstAnswerIsClear()
    {
        final Answers tls = new Answers(TlsProbe.Answer.TLS);
        assertEquals(TlsProbe.Answer.TLS, TlsProbe.confirmed(tls::next, 0));
        assertEquals(1, tls.asked);
    }

    /** Gives the answers in order, counting the probes. */
    private static final class Answers
    {
        private final Deque<TlsProbe.Answer> left;
        private int asked;

        Answers(final TlsProbe.Answer... answers)
        {
            this.left = new ArrayDeque<>(List.of(answers));
        }

        TlsProbe.Answer next()
        {
            asked++;
            return left.removeFirst();
        }
    }
}
