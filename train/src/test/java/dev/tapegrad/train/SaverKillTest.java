package dev.tapegrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code kill -9} while a saver runs never leaves a torn file, the next save removes the temporary files of the
 * killed ones, and nothing is left in the children's temporary folder ({@link KillDuringSave}), for each
 * {@link SaverUnderTest}: safetensors, optimizer state and checkpoint. The default run kills 3 savers of each kind;
 * the probe kills 40 and prints one line per saver, e.g. with
 * {@code mvn -B -ntp test -Pprobes -pl train -am -Dtest=SaverKillTest -Dsurefire.failIfNoSpecifiedTests=false}
 * (the lines are in {@code train/target/surefire-reports/dev.tapegrad.train.SaverKillTest-output.txt}).
 */
class SaverKillTest {

    private static void check(SaverUnderTest saver, Path work, int kills) throws Exception {
        KillDuringSave.Report r = KillDuringSave.run(saver, work, kills);
        System.out.println("kill -9 during " + saver + " saves: " + r);
        assertEquals(kills, r.kills(), r.toString());
        assertEquals(0, r.torn(), r.toString());
        assertEquals(0, r.leftoversAfterSave(), r.toString());
        assertEquals(0, r.childTmpLeftovers(), r.toString());
        assertTrue(r.problems().isEmpty(), r.toString());
    }

    @ParameterizedTest
    @EnumSource(SaverUnderTest.class)
    void threeKillsLeaveNoTornFile(SaverUnderTest saver, @TempDir Path work) throws Exception {
        check(saver, work, 3);
    }

    @ParameterizedTest
    @EnumSource(SaverUnderTest.class)
    @Tag("probe")
    void fortyKillsLeaveNoTornFileAndNoLeftovers(SaverUnderTest saver, @TempDir Path work) throws Exception {
        check(saver, work, 40);
    }
}
