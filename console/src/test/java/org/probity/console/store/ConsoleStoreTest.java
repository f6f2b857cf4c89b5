package org.probity.console.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.probity.console.ConsoleSettings;
import org.probity.console.TestPostgres;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/** The store behaves the same on the embedded H2 and on a real PostgreSQL server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-16T01:00:00Z");
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @TempDir
  Path tmp;

  @BeforeAll
  void startPostgres() throws Exception {
    TestPostgres.acquire();
  }

  @AfterAll
  void stopPostgres() throws Exception {
    TestPostgres.release();
  }

  /** A factory of empty stores (a new one on every call), by database. */
  interface Stores {
    ConsoleStore open() throws Exception;
  }

  Stream<Object[]> stores() {
    return Stream.of(
        new Object[] {"h2", (Stores) () -> {
          Path dir = Files.createTempDirectory(tmp, "h2");
          return ConsoleStore.open(ConsoleSettings.h2Url(dir), "", "");
        }},
        new Object[] {"postgresql", (Stores) () -> ConsoleStore.open(TestPostgres.newDatabase(
            "store_" + DATABASES.incrementAndGet()), TestPostgres.user(), "")});
  }

  static Alert overdue(Severity severity, AlertStatus status, Instant at, String... evidence) {
    return Alerts.of(RuleId.APPROVAL_OVERDUE, 1, "OVERDUE").severity(severity).status(status).unit("U07")
        .subject(SubjectType.CASE, "XK-1").person("U07-A1").eventTime(at).evidence(List.of(evidence))
        .message("办件XK-1超期").build();
  }

  static ConsoleStore.Batch batch(List<Alert> alerts, List<StoredEvent> events) {
    return new ConsoleStore.Batch(alerts, events, Map.of());
  }

  static StoredEvent event(String id, String unit) {
    return new StoredEvent(id, "approval", unit, T0, "{\"stream\":\"approval\",\"eventId\":\"" + id + "\"}");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void theLadderOfOneCaseIsOneAlertWithEveryStepKept(String name, Stores stores) throws Exception {
    try (ConsoleStore store = stores.open()) {
      Alert notice = overdue(Severity.NOTICE, AlertStatus.RAISED, T0, "e1");
      Alert yellow = overdue(Severity.YELLOW, AlertStatus.ESCALATED, T0.plusSeconds(86_400), "e1");
      Alert red = overdue(Severity.RED, AlertStatus.ESCALATED, T0.plusSeconds(6 * 86_400), "e1");
      assertThat(store.apply(batch(List.of(notice), List.of()), T0)).hasSize(1);
      assertThat(store.apply(batch(List.of(yellow, red), List.of()), T0.plusSeconds(10))).hasSize(1);

      List<StoredAlert> feed = store.feed(AlertFilter.ALL, 10);
      assertThat(feed).singleElement().satisfies(a -> {
        assertThat(a.alert().getSeverity()).isEqualTo(Severity.RED);
        assertThat(a.firstEventTime()).isEqualTo(T0);
      });
      assertThat(store.steps(notice.getAlertId())).extracting(s -> s.alert().getSeverity())
          .containsExactly(Severity.NOTICE, Severity.YELLOW, Severity.RED);

      // A repeat (an at-least-once producer, a re-run stamping detectedAt anew) changes nothing.
      Alert repeat = overdue(Severity.YELLOW, AlertStatus.ESCALATED, T0.plusSeconds(86_400), "e1");
      repeat.setDetectedAt(T0.plusSeconds(999_999));
      assertThat(store.apply(batch(List.of(repeat), List.of()), T0.plusSeconds(20))).isEmpty();
      assertThat(store.alert(notice.getAlertId()).orElseThrow().alert().getSeverity()).isEqualTo(Severity.RED);
      assertThat(store.steps(notice.getAlertId())).hasSize(3);

      store.apply(batch(List.of(overdue(Severity.RED, AlertStatus.RESOLVED, T0.plusSeconds(7 * 86_400), "e1", "e9")),
          List.of()), T0.plusSeconds(30));
      assertThat(store.feed(new AlertFilter(null, null, null, "OPEN", null, null), 10)).isEmpty();
      assertThat(store.feed(new AlertFilter(null, "U07", "RED", "RESOLVED", null, null), 10)).hasSize(1);
      assertThat(store.openAlertCounts()).doesNotContainKey("U07");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void acknowledgementsAreKeptAndAnEscalationAsksForANewOne(String name, Stores stores) throws Exception {
    try (ConsoleStore store = stores.open()) {
      Alert notice = overdue(Severity.NOTICE, AlertStatus.RAISED, T0, "e1");
      store.apply(batch(List.of(notice), List.of()), T0);
      assertThat(store.feed(new AlertFilter(null, null, null, null, "PENDING", null), 10)).hasSize(1);

      StoredAlert acked = store.acknowledge(notice.getAlertId(), "zhang", "张敏", T0.plusSeconds(60), "已电话督办")
          .orElseThrow();
      assertThat(acked.needsAck()).isFalse();
      assertThat(acked.latestAck()).extracting(Ack::username, Ack::displayName, Ack::severity, Ack::note)
          .containsExactly("zhang", "张敏", Severity.NOTICE, "已电话督办");
      assertThat(store.feed(new AlertFilter(null, null, null, null, "PENDING", null), 10)).isEmpty();
      assertThat(store.feed(new AlertFilter(null, null, null, null, "DONE", null), 10)).hasSize(1);

      store.apply(batch(List.of(overdue(Severity.YELLOW, AlertStatus.ESCALATED, T0.plusSeconds(86_400), "e1")),
          List.of()), T0.plusSeconds(120));
      StoredAlert escalated = store.alert(notice.getAlertId()).orElseThrow();
      assertThat(escalated.needsAck()).as("a yellow card after a notice was acknowledged").isTrue();
      assertThat(store.feed(new AlertFilter(null, null, null, null, "PENDING", null), 10)).hasSize(1);

      store.acknowledge(notice.getAlertId(), "li", "李强", T0.plusSeconds(180), null);
      assertThat(store.acks(notice.getAlertId())).extracting(Ack::username, Ack::severity)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("zhang", Severity.NOTICE),
              org.assertj.core.groups.Tuple.tuple("li", Severity.YELLOW));
      assertThat(store.acknowledge("no-such-alert", "li", "李强", T0, null)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void evidenceRetentionKeepsWhatAlertsReferToAndTheLatestEvents(String name, Stores stores) throws Exception {
    try (ConsoleStore store = stores.open()) {
      List<StoredEvent> events = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        events.add(event("ev-" + i, "U07"));
      }
      events.add(event("ev-0", "U07")); // the same event again: kept once
      store.apply(batch(List.of(overdue(Severity.NOTICE, AlertStatus.RAISED, T0, "ev-3", "ev-never-seen")), events), T0);
      assertThat(store.eventCount()).isEqualTo(100);

      assertThat(store.pruneEvents(10)).isEqualTo(89);
      assertThat(store.events(List.of("ev-3", "ev-50", "ev-95", "ev-never-seen")).keySet())
          .as("ev-3 is evidence; ev-90..99 are the latest ten; ev-never-seen never arrived")
          .containsExactlyInAnyOrder("ev-3", "ev-95");
      assertThat(store.eventCount()).isEqualTo(11);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void offsetsAreStoredWithTheirBatchAndBelongToOneCluster(String name, Stores stores) throws Exception {
    try (ConsoleStore store = stores.open()) {
      assertThat(store.adoptCluster("cluster-a")).as("a new store knows no cluster").isFalse();
      TopicPartition p0 = new TopicPartition("probity.alerts", 0);
      store.apply(new ConsoleStore.Batch(List.of(), List.of(), Map.of(p0, 42L)), T0);
      store.apply(new ConsoleStore.Batch(List.of(), List.of(), Map.of(p0, 57L)), T0);
      assertThat(store.offsets()).containsExactly(Map.entry(p0, 57L));
      assertThat(store.adoptCluster("cluster-a")).isTrue();
      assertThat(store.offsets()).containsExactly(Map.entry(p0, 57L));
      assertThat(store.adoptCluster("cluster-b")).as("another cluster's offsets are dropped").isFalse();
      assertThat(store.offsets()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void identifiersAsLongAsTheContractAllowsAndMoreAreStored(String name, Stores stores) throws Exception {
    try (ConsoleStore store = stores.open()) {
      String id128 = "A".repeat(128);
      String id250 = "E".repeat(250); // the eventId that froze ingestion (a 200-character column)
      Alert a = overdue(Severity.NOTICE, AlertStatus.RAISED, T0, id250);
      a.setAlertId(id128);
      a.setUnitId("U".repeat(128));
      store.apply(batch(List.of(a), List.of(new StoredEvent(id250, "approval", "U".repeat(128), T0, "{}"))), T0);
      assertThat(store.alert(id128)).hasValueSatisfying(s -> assertThat(s.alert().getEvidence()).containsExactly(id250));
      assertThat(store.events(List.of(id250))).containsKey(id250);
      assertThat(store.acknowledge(id128, "u".repeat(128), "名".repeat(128), T0, null)).isPresent();
    }
  }

  static Alert signatures(String unit, String voucher) {
    return Alerts.of(RuleId.PAYMENT_SIGNATURE_CHAIN, 1, "MISSING_SIGNATURE").severity(Severity.YELLOW)
        .status(AlertStatus.RAISED).unit(unit).subject(SubjectType.VOUCHER, voucher).person(unit + "-P")
        .eventTime(T0).evidence(List.of("ev-" + voucher)).message("凭证" + voucher + "缺少纪检组长审签").build();
  }

  static final Rectifications.Operator ZHANG = new Rectifications.Operator("zhangmin", "张敏");

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void aRectificationRunsToClosureAndEveryStepIsInTheAuditTrail(String name, Stores stores) throws Exception {
    try (ConsoleStore store = stores.open()) {
      Alert red = overdue(Severity.RED, AlertStatus.ESCALATED, T0, "e1");
      Alert yellow = signatures("U07", "PZ-1");
      store.apply(batch(List.of(red, yellow, signatures("U05", "PZ-2")), List.of()), T0);
      Rectifications rect = new Rectifications(store);
      java.time.LocalDate day = java.time.LocalDate.of(2026, 11, 16);
      java.time.LocalDate due = day.plusDays(14);
      Rectifications.Issued notice = rect.issue("U07", ZHANG, T0, day, due, 10).orElseThrow();
      assertThat(notice.items()).extracting(i -> i.alert().alert().getAlertId())
          .containsExactlyInAnyOrder(red.getAlertId(), yellow.getAlertId());
      assertThat(notice.notice().serial()).isEqualTo(1);
      assertThat(rect.issue("U07", ZHANG, T0, day, due, 10)).as("both problems are being rectified already").isEmpty();

      // Feedback on the yellow card is sent back once, then accepted: closed, so no longer open anywhere.
      rect.feedback(notice.notice().id(), yellow.getAlertId(), "财政局 王会计", "已补签", "补签凭证.pdf", ZHANG, T0);
      assertThat(rect.decide(notice.notice().id(), yellow.getAlertId(), false, "缺纪检组长签字页", ZHANG, T0).state())
          .isEqualTo(Rectifications.State.RETURNED);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> rect.decide(notice.notice().id(), yellow.getAlertId(),
          true, null, ZHANG, T0)).isInstanceOf(Rectifications.Refused.class).hasMessageContaining("no feedback");
      rect.feedback(notice.notice().id(), yellow.getAlertId(), "财政局 王会计", "已补齐签字页", null, ZHANG, T0);
      Rectifications.Item accepted = rect.decide(notice.notice().id(), yellow.getAlertId(), true, null, ZHANG, T0);
      assertThat(accepted.state()).isEqualTo(Rectifications.State.ACCEPTED);
      assertThat(accepted.feedback()).extracting(Rectifications.Feedback::decision).containsExactly("RETURNED", "ACCEPTED");
      assertThat(accepted.alert().open()).isFalse();
      assertThat(store.openAlertCounts()).containsEntry("U07", 1).containsEntry("U05", 1);
      assertThat(store.openAlerts("U07")).extracting(a -> a.alert().getAlertId()).containsExactly(red.getAlertId());
      assertThat(store.feed(new AlertFilter(null, "U07", null, "OPEN", null, null), 10)).hasSize(1);
      assertThat(store.feed(new AlertFilter(null, "U07", null, "CLOSED", null, null), 10)).hasSize(1);

      // The due date passes with the red card open: escalated, and a supervision recommendation lists it.
      assertThat(rect.escalate(due, T0)).as("not past due on the due day itself").isEmpty();
      assertThat(rect.escalate(due.plusDays(1), T0)).containsExactly("U07");
      List<Rectifications.Issued> notices = rect.notices("U07");
      assertThat(notices).extracting(n -> n.notice().kind())
          .containsExactly(Rectifications.Kind.SUPERVISION, Rectifications.Kind.WARNING);
      assertThat(notices.get(0).items()).extracting(i -> i.alert().alert().getAlertId()).containsExactly(red.getAlertId());
      assertThat(rect.escalate(due.plusDays(2), T0)).as("once").isEmpty();

      assertThat(store.auditTrail(20)).extracting(ConsoleStore.AuditEntry::action).containsExactly("ISSUE_SUPERVISION",
          "ESCALATE", "ACCEPT_RECTIFICATION", "RECORD_FEEDBACK", "RETURN_RECTIFICATION", "RECORD_FEEDBACK", "ISSUE_NOTICE");
      // Nobody edits the trail, not even with SQL.
      for (String sql : List.of("UPDATE audit_log SET username = 'x'", "DELETE FROM audit_log")) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.inTransaction(c -> {
          try (java.sql.Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
          }
        })).as(sql).hasMessageContaining("append-only");
      }
      assertThat(store.auditTrail(20)).hasSize(7);
    }
  }
}
