package org.probity.console.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
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
import org.junit.jupiter.params.provider.ValueSource;
import org.probity.console.ConsoleSettings;
import org.probity.console.TestPostgres;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.Severity;

/**
 * A console upgrade keeps its history: a store written by the previous console (its code, kept in
 * {@code store.previous}, with CREATE TABLE IF NOT EXISTS and no migration history) is baselined,
 * migrated, and still holds every alert, step, acknowledgement, event and offset; a store made by
 * this version opens again with every rectification kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleUpgradeTest {
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

  private String[] database(String name) throws Exception {
    return name.equals("h2") ? new String[] {ConsoleSettings.h2Url(Files.createTempDirectory(tmp, "h2")), ""}
        : new String[] {TestPostgres.newDatabase("upgrade_" + DATABASES.incrementAndGet()), TestPostgres.user()};
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aStoreThePreviousConsoleWroteMigratesAndKeepsEverything(String name) throws Exception {
    String[] db = database(name);
    Alert notice = ConsoleStoreTest.overdue(Severity.NOTICE, AlertStatus.RAISED, T0, "e1");
    Alert yellow = ConsoleStoreTest.overdue(Severity.YELLOW, AlertStatus.ESCALATED, T0.plusSeconds(86_400), "e1");
    Alert red = ConsoleStoreTest.overdue(Severity.RED, AlertStatus.ESCALATED, T0.plusSeconds(6 * 86_400), "e1");
    Alert signatures = ConsoleStoreTest.signatures("U04", "PZ-9");
    TopicPartition alerts = new TopicPartition("probity.alerts", 0);
    try (org.probity.console.store.previous.ConsoleStore previous =
        org.probity.console.store.previous.ConsoleStore.open(db[0], db[1], "")) {
      previous.apply(new org.probity.console.store.previous.ConsoleStore.Batch(List.of(notice, yellow, red, signatures),
          List.of(ConsoleStoreTest.event("e1", "U07"), ConsoleStoreTest.event("ev-PZ-9", "U04")),
          Map.of(alerts, 42L)), T0);
      previous.acknowledge(notice.getAlertId(), "zhangmin", "张敏", T0.plusSeconds(60), "已电话督办");
      previous.acknowledge(signatures.getAlertId(), "li", "李强", T0.plusSeconds(120), null);
      previous.acknowledge(notice.getAlertId(), "li", "李强", T0.plusSeconds(7 * 86_400), "红牌已督办");
    }
    // Before that version, event ids were 200 characters: the migration widens what it finds narrow.
    try (Connection c = DriverManager.getConnection(db[0], db[1], ""); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE evidence_event ALTER COLUMN event_id SET DATA TYPE VARCHAR(200)");
      // Before the rules had versions, alerts had no rulesVersion.
      for (String table : List.of("alert", "alert_step")) {
        s.executeUpdate("UPDATE " + table + " SET record = REPLACE(record, '\"rulesVersion\":1,', '')");
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE record LIKE '%rulesVersion%'")) {
          rs.next();
          assertThat(rs.getInt(1)).as(table).isZero();
        }
      }
    }

    try (ConsoleStore store = ConsoleStore.open(db[0], db[1], "")) {
      assertThat(history(db)).containsExactly("1 BASELINE", "2 JDBC", "3 SQL", "4 SQL", "5 SQL");
      assertThat(store.feed(AlertFilter.ALL, 10)).extracting(a -> a.alert().getAlertId())
          .containsExactlyInAnyOrder(notice.getAlertId(), signatures.getAlertId());
      StoredAlert ladder = store.alert(notice.getAlertId()).orElseThrow();
      assertThat(ladder.alert().getSeverity()).isEqualTo(Severity.RED);
      assertThat(ladder.firstEventTime()).isEqualTo(T0);
      assertThat(ladder.latestAck().username()).isEqualTo("li");
      assertThat(ladder.open()).isTrue();
      assertThat(ladder.alert().getRulesVersion()).as("judged by the rules file the job started with").isEqualTo(1);
      assertThat(store.steps(notice.getAlertId())).allMatch(step -> step.alert().getRulesVersion() == 1);
      try (Connection c = DriverManager.getConnection(db[0], db[1], ""); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM alert WHERE rules_version = 1")) {
        rs.next();
        assertThat(rs.getInt(1)).as("the column of the older rows").isEqualTo(2);
      }
      assertThat(store.steps(notice.getAlertId())).extracting(s -> s.alert().getSeverity())
          .containsExactly(Severity.NOTICE, Severity.YELLOW, Severity.RED);
      assertThat(store.acks(notice.getAlertId())).extracting(Ack::username, Ack::note).containsExactly(
          org.assertj.core.groups.Tuple.tuple("zhangmin", "已电话督办"), org.assertj.core.groups.Tuple.tuple("li", "红牌已督办"));
      assertThat(store.acks(signatures.getAlertId())).hasSize(1);
      assertThat(store.events(List.of("e1", "ev-PZ-9"))).hasSize(2);
      assertThat(store.offsets()).containsEntry(alerts, 42L);
      assertThat(store.openAlertCounts()).containsEntry("U07", 1).containsEntry("U04", 1);
      assertThat(store.auditTrail(10)).as("the acknowledgements open the audit trail").hasSize(3)
          .allMatch(e -> e.action().equals("ACKNOWLEDGE"));
      // Widened: an id as long as the contract allows, and twice that.
      store.apply(new ConsoleStore.Batch(List.of(), List.of(ConsoleStoreTest.event("E".repeat(250), "U07")), Map.of()), T0);
      assertThat(store.events(List.of("E".repeat(250)))).hasSize(1);

      Rectifications rect = new Rectifications(store);
      Rectifications.Issued issued = rect.issue("U07", ConsoleStoreTest.ZHANG, T0, LocalDate.of(2026, 11, 16),
          LocalDate.of(2026, 11, 30), 10).orElseThrow();
      rect.feedback(issued.notice().id(), notice.getAlertId(), "住建局 周科长", "已办结", "办结单.pdf", ConsoleStoreTest.ZHANG, T0);
      rect.decide(issued.notice().id(), notice.getAlertId(), true, "核实无误", ConsoleStoreTest.ZHANG, T0);
    }

    try (ConsoleStore store = ConsoleStore.open(db[0], db[1], "")) {
      assertThat(history(db)).as("nothing to migrate the second time").hasSize(5);
      Rectifications.Issued kept = new Rectifications(store).notices("U07").get(0);
      assertThat(kept.items()).singleElement().satisfies(i -> {
        assertThat(i.state()).isEqualTo(Rectifications.State.ACCEPTED);
        assertThat(i.feedback()).singleElement().extracting(Rectifications.Feedback::attachment).isEqualTo("办结单.pdf");
      });
      assertThat(store.alert(notice.getAlertId()).orElseThrow().open()).isFalse();
      assertThat(store.auditTrail(10)).hasSize(6);
      assertThat(store.acks(notice.getAlertId())).hasSize(2);
    }
  }

  private static List<String> history(String[] db) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db[0], db[1], ""); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT \"version\", \"type\" FROM \"flyway_schema_history\""
            + " WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
      while (rs.next()) {
        out.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    return out;
  }
}
