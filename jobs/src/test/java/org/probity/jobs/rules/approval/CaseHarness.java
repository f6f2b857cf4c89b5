package org.probity.jobs.rules.approval;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.probity.jobs.rules.SubjectStage;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;

/**
 * {@link ApprovalCaseFunction} in an operator harness, with events written as local times in
 * Asia/Shanghai ({@code "2025-09-26T10:00"}) and the operator's metrics readable.
 */
final class CaseHarness {
  static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  /** Items of every shape the rules care about: a long and a short limit, free and paid. */
  static final String RULES = """
      items:
        - {code: ITEM-20, name: 建设工程规划许可, promisedWorkingDays: 20, feeFen: 0}
        - {code: ITEM-5, name: 不动产登记, promisedWorkingDays: 5, feeFen: 8000}
        - {code: ITEM-1, name: 户籍证明, promisedWorkingDays: 1, feeFen: 0}
      units:
        - {id: U01}
      """;

  final ProbityConfig config;
  final KeyedOneInputStreamOperatorTestHarness<String, ApprovalEvent, Alert> harness;
  private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
  private int seq;
  private long latestFed = Long.MIN_VALUE;
  private int drained;

  CaseHarness() throws Exception {
    this(RULES);
  }

  CaseHarness(String rules) throws Exception {
    config = RulesFile.parse(rules, "test.yaml");
    var taskMetrics = new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
      @Override
      public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> attributes) {
        return metrics;
      }
    };
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        SubjectStage.<ApprovalEvent, Alert>of(ApprovalEvent.class)
            .rule(new ApprovalCaseFunction(config, WorkingDayCalendar.of(config))).build(),
        ApprovalEvent::getCaseId, Types.STRING, new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build());
    ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    harness.open();
  }

  static long millis(String localTime) {
    return LocalDateTime.parse(localTime).atZone(ZONE).toInstant().toEpochMilli();
  }

  static Instant instant(String localTime) {
    return Instant.ofEpochMilli(millis(localTime));
  }

  /** An event of case {@code caseId} (unit U01, item {@code itemCode}), not yet fed. */
  ApprovalEvent event(String caseId, String itemCode, ApprovalAction action, String localTime, String actor) {
    return ApprovalEvent.newBuilder()
        .setEventId(String.format("E%03d", ++seq))
        .setEventTime(instant(localTime))
        .setUnitId("U01")
        .setCaseId(caseId)
        .setItemCode(itemCode)
        .setAction(action)
        .setActorId(actor)
        .setActorRole(switch (action) {
          case REVIEWED -> "REVIEWER";
          case APPROVED, REJECTED, SUSPENDED, RESUMED, EXTENDED -> "APPROVER";
          default -> "CLERK";
        })
        .setApplicantId("AP-1")
        .build();
  }

  ApprovalEvent feed(ApprovalEvent e) throws Exception {
    latestFed = Math.max(latestFed, e.getEventTime().toEpochMilli());
    harness.processElement(e, e.getEventTime().toEpochMilli());
    return e;
  }

  /** Feeds an event of case C1; the actor is a clerk, reviewer or approver by the action. */
  ApprovalEvent feed(String itemCode, ApprovalAction action, String localTime) throws Exception {
    String actor = switch (action) {
      case REVIEWED -> "R1";
      case APPROVED, REJECTED, SUSPENDED, RESUMED, EXTENDED -> "A1";
      default -> "C1";
    };
    return feed(event("C1", itemCode, action, localTime, actor));
  }

  ApprovalEvent extend(String itemCode, int days, String localTime) throws Exception {
    ApprovalEvent e = event("C1", itemCode, ApprovalAction.EXTENDED, localTime, "A1");
    e.setExtensionDays(days);
    return feed(e);
  }

  ApprovalEvent completed(String itemCode, Long feeFen, String localTime) throws Exception {
    ApprovalEvent e = event("C1", itemCode, ApprovalAction.COMPLETED, localTime, "C1");
    e.setFeeFen(feeFen);
    return feed(e);
  }

  /**
   * Moves the clock past the tombstones of cases that ended: [dedupRetentionDays] after the
   * latest event fed.
   */
  void pastTombstones() throws Exception {
    harness.processWatermark(latestFed + config.dedupRetentionDays() * 86_400_000L);
  }

  /** Moves the clock (the watermark) to the given local time. */
  void clock(String localTime) throws Exception {
    harness.processWatermark(millis(localTime));
  }

  /** The alerts emitted since the last call. */
  List<Alert> newAlerts() {
    List<Alert> all = harness.extractOutputValues();
    List<Alert> fresh = new ArrayList<>(all.subList(drained, all.size()));
    drained = all.size();
    return fresh;
  }

  /** "RAISED NOTICE 2025-10-10T00:00": an alert's ladder position and local event time, for compact assertions. */
  static String step(Alert a) {
    return a.getStatus() + " " + a.getSeverity() + " " + LocalDateTime.ofInstant(a.getEventTime(), ZONE);
  }

  long counter(String name) {
    Counter c = (Counter) metrics.get(name);
    return c == null ? 0 : c.getCount();
  }

  /** The cases' state entries: one value per case, its rules' state and its deadlines together. */
  int stateEntries() {
    return harness.numKeyedStateEntries();
  }

  /** The deadlines the case's rules hold (the stage folds them into one timer per case). */
  int timers() throws Exception {
    return ((SubjectStage<?, ?>) harness.getOperator()).deadlines();
  }
}
