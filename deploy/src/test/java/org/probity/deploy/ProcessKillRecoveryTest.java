package org.probity.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.probity.deploy.chaos.ChaosRun;

/**
 * The chaos test: {@code probity run} in its own JVM, killed with SIGKILL three times (right after a
 * checkpoint, during one, at a random instant) and started again with the same command; a
 * read_committed reader then sees exactly the ground truth — none lost, none twice, every alert's
 * lifecycle in order, no RAISED twice — and every restart said it resumed from a checkpoint.
 */
class ProcessKillRecoveryTest {
  @TempDir
  Path dir;

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void threeKillsOfTheJobProcessLoseNothingAndRepeatNothing() throws Exception {
    long seed = 20261206L;
    ChaosRun.Figures f = new ChaosRun(dir, System.err).run(ChaosRun.Plan.of(3, seed));
    System.err.println(f.summary());
    assertThat(f.kills()).hasSize(3);
    assertThat(f.kills()).extracting(ChaosRun.KillReport::observed)
        .contains("right after checkpoint", "during checkpoint");
    assertThat(f.resumed()).as("restarts that resumed from a retained checkpoint").isEqualTo(3);
    assertThat(f.truth()).isGreaterThan(100);
    assertThat(f.lost()).as("lost").isZero();
    assertThat(f.unexpected()).as("not in the ground truth").isZero();
    assertThat(f.duplicated()).as("repeated").isZero();
    assertThat(f.outOfOrder()).as("out of lifecycle order").isZero();
    assertThat(f.raisedTwice()).as("RAISED twice").isZero();
    assertThat(f.seen()).isEqualTo(f.truth());
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aPlannedStopWithASavepointResumesFromItExactly() throws Exception {
    ChaosRun.Figures f = new ChaosRun(dir, System.err).plannedStop(new ChaosRun.Plan(0, 7L, 30, 0.08, 12));
    System.err.println(f.summary());
    assertThat(f.resumed()).as("the second start resumed from the savepoint").isEqualTo(1);
    assertThat(f.truth()).isGreaterThan(50);
    assertThat(f.exact()).as(f.summary()).isTrue();
  }
}
