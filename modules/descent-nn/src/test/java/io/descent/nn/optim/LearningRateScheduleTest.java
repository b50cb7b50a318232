package io.descent.nn.optim;

import com.typesafe.config.ConfigFactory;
import io.descent.nn.error.BadInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LearningRateScheduleTest
{
    private static final double EPS = 1e-12;

    @Test
    void shouldDecayInSteps()
    {
        final LearningRateSchedule s = LearningRateSchedule.stepDecay(0.1, 10, 0.5);
        assertEquals(0.1, s.rate(0), EPS);
        assertEquals(0.1, s.rate(9), EPS);
        assertEquals(0.05, s.rate(10), EPS);
        assertEquals(0.025, s.rate(25), EPS);
    }

    @Test
    void shouldDecayExponentially()
    {
        final LearningRateSchedule s = LearningRateSchedule.exponential(0.1, 100, 0.5);
        assertEquals(0.1, s.rate(0), EPS);
        assertEquals(0.1 * Math.sqrt(0.5), s.rate(50), EPS);
        assertEquals(0.025, s.rate(200), EPS);
    }

    @Test
    void shouldAnnealWithACosine()
    {
        final LearningRateSchedule s = LearningRateSchedule.cosine(0.1, 0.0, 100);
        assertEquals(0.1, s.rate(0), EPS);
        assertEquals(0.05, s.rate(50), EPS);
        assertEquals(0.1 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.rate(25), EPS);
        assertEquals(0.0, s.rate(100), EPS);
        assertEquals(0.0, s.rate(1000), EPS);
    }

    @Test
    void shouldWarmUpLinearlyThenFollowTheSchedule()
    {
        final LearningRateSchedule s = LearningRateSchedule.warmup(LearningRateSchedule.stepDecay(0.1, 10, 0.5), 4);
        assertEquals(0.025, s.rate(0), EPS);
        assertEquals(0.075, s.rate(2), EPS);
        assertEquals(0.1, s.rate(4), EPS);
        assertEquals(0.05, s.rate(14), EPS);
    }

    @Test
    void shouldConvertEpochSettingsToSteps()
    {
        final ScheduleSettings settings = ScheduleSettings.from(ConfigFactory.parseString(
            "type = step, step-epochs = 2, gamma = 0.1, min-learning-rate = 0, warmup-epochs = 0.5"), "train.schedule");
        final LearningRateSchedule s = settings.toSchedule(1.0, 100, 10);
        assertEquals(1.0 / 50, s.rate(0), EPS);
        assertEquals(1.0, s.rate(50), EPS);
        assertEquals(0.1, s.rate(250), EPS);
    }

    @Test
    void shouldRejectUnknownTypesListingTheValidOnes()
    {
        final BadInputException ex = assertThrows(BadInputException.class, () -> ScheduleSettings.from(
            ConfigFactory.parseString("type = linear, step-epochs = 2, gamma = 0.1, min-learning-rate = 0, " +
                "warmup-epochs = 0"), "train.schedule"));
        assertEquals("unknown schedule 'linear' at train.schedule.type; valid: constant, step, exponential, cosine",
            ex.getMessage());
    }
}
