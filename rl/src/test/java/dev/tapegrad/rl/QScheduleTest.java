package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class QScheduleTest {

    @Test
    void constantLinearAndStepValues() {
        assertEquals(0.75, QSchedule.constant(0.75).q(12345));
        QSchedule ramp = QSchedule.linear(1, 0, 4);
        double[] expected = {1, 0.75, 0.5, 0.25, 0, 0, 0};
        for (int t = 0; t < expected.length; t++) assertEquals(expected[t], ramp.q(t), 1e-15, "t=" + t);
        assertEquals(0.3, QSchedule.linear(0.1, 0.3, 3).q(3));   // exactly q1 at the end of the ramp
        QSchedule sftRl = QSchedule.sftThenRl(2);
        assertEquals(1.0, sftRl.q(0));
        assertEquals(1.0, sftRl.q(1));
        assertEquals(0.0, sftRl.q(2));
        assertEquals(0.5, QSchedule.step(0.2, 0.5, 0).q(0));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> QSchedule.constant(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> QSchedule.linear(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> QSchedule.step(1, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> QSchedule.constant(1).q(-1));
    }
}
