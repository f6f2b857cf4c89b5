package org.probity.jobs.rules.approval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.testing.GroundTruth;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalEvent;

/**
 * The case state on both state backends: RocksDB (which serializes on every access, so a change
 * the operator forgets to write back is lost) raises exactly what the heap backend raises, and
 * one open case stays within its byte budget (figures and method: docs/approval-state.md).
 */
class ApprovalStateBackendsTest {
  /** Budgets well above the measured figures (161 and 235 bytes serialized): a growth to look at, not noise. */
  private static final int VALUE_BUDGET_RECEIVED = 256;
  private static final int VALUE_BUDGET_MID_LIFE = 384;
  private static final int CHECKPOINT_BUDGET_PER_CASE = 512;

  @TempDir
  Path dir;

  @Test
  void oneOpenCaseSerializesWithinItsBudget() throws Exception {
    assertThat(ApprovalStateSize.valueBytes(ApprovalStateSize.Profile.RECEIVED)).isLessThanOrEqualTo(VALUE_BUDGET_RECEIVED);
    assertThat(ApprovalStateSize.valueBytes(ApprovalStateSize.Profile.MID_LIFE)).isLessThanOrEqualTo(VALUE_BUDGET_MID_LIFE);
  }

  @Test
  void checkpointsOfOpenCasesStayWithinTheBudgetOnBothBackends() throws Exception {
    for (StateBackend backend : List.of(new HashMapStateBackend(), new EmbeddedRocksDBStateBackend(true))) {
      double perCase = ApprovalStateSize.snapshotBytesPerCase(backend, 2_000, ApprovalStateSize.Profile.MID_LIFE,
          dir.resolve(backend.getClass().getSimpleName()));
      assertThat(perCase).as("%s bytes per case", backend.getClass().getSimpleName())
          .isPositive().isLessThanOrEqualTo(CHECKPOINT_BUDGET_PER_CASE);
    }
  }

  @Test
  void rocksDbRaisesWhatTheHeapBackendRaises() throws Exception {
    List<ApprovalEvent> events = new ArrayList<>();
    new TrafficGenerator(RulesFile.defaults(), GeneratorSettings.DEFAULTS.withDays(20).withScale(1)
        .withViolationRate(0.5)).forEach(e -> {
          if (e instanceof ApprovalEvent a) {
            events.add(a);
          }
        });
    EmbeddedRocksDBStateBackend rocks = new EmbeddedRocksDBStateBackend();
    rocks.setDbStoragePath(dir.resolve("db").toString());
    List<Alert> heap = run(new HashMapStateBackend(), events);
    assertThat(heap).extracting(Alert::getRuleId).contains("APPROVAL_OVERDUE", "APPROVAL_PROCEDURE",
        "APPROVAL_FEE", "APPROVAL_SUSPENSION_ABUSE");
    GroundTruth.assertSameAlerts(run(rocks, events), heap);
  }

  private static List<Alert> run(StateBackend backend, List<ApprovalEvent> events) throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, ApprovalEvent, Alert> harness = ApprovalStateSize.harness(backend);
    for (ApprovalEvent e : events) {
      harness.processElement(e, e.getEventTime().toEpochMilli());
    }
    harness.processWatermark(Long.MAX_VALUE);
    List<Alert> alerts = harness.extractOutputValues();
    KeyedStateBackend<String> state = harness.getOperator().getKeyedStateBackend();
    try (Stream<String> cases = state.getKeys(org.probity.jobs.rules.SubjectStage.SUBJECT_STATE,
        VoidNamespace.INSTANCE)) {
      assertThat(cases.count()).as("every case ended or expired").isZero();
    }
    assertThat(harness.numEventTimeTimers()).isZero();
    harness.close();
    return alerts;
  }
}
