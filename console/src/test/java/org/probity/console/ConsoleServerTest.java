package org.probity.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.console.auth.Sessions;
import org.probity.schema.AlertStatus;
import org.probity.schema.Colour;
import org.probity.schema.Grade;
import org.probity.schema.Severity;

/** The console over plain HTTP against a real broker: access control and what survives a restart. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsoleServerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  static Path kafkaDir;

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start(kafkaDir);
    TestPostgres.acquire();
  }

  @AfterAll
  static void stop() throws Exception {
    TestPostgres.release();
    if (kafka != null) {
      kafka.close();
    }
  }

  /** Each test its own topics, so tests do not see each other's records. */
  private static KafkaSettings topics(String prefix) throws Exception {
    KafkaSettings d = KafkaSettings.defaults(kafka.bootstrapServers());
    var events = new java.util.EnumMap<org.probity.connectors.ingest.EventStream, String>(
        org.probity.connectors.ingest.EventStream.class);
    d.eventTopics().forEach((s, t) -> events.put(s, prefix + "." + t));
    KafkaSettings k = new KafkaSettings(d.bootstrapServers(), d.groupId(), events, prefix + "." + d.alertsTopic(),
        prefix + "." + d.unitStatusTopic(), prefix + "." + d.deadLetterTopic(), d.exactlyOnce(),
        d.transactionalIdPrefix(), d.transactionTimeout());
    kafka.createTopics(k, 2);
    return k;
  }

  private static ConsoleSettings settings(KafkaSettings k, String jdbcUrl, String user) {
    return ConsoleSettings.defaults().withListen("127.0.0.1", 0).withKafka(k).withStore(jdbcUrl, user, "")
        .withAccounts(TestAccounts.ALL);
  }

  @Test
  void nothingButTheLoginPageIsServedWithoutSigningIn(@TempDir Path store) throws Exception {
    try (ConsoleServer console = ConsoleServer.start(settings(topics("anon"), ConsoleSettings.h2Url(store), ""))) {
      HttpSession anonymous = new HttpSession(console.url());
      HttpResponse<String> login = anonymous.get("/login");
      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.body()).contains("<form method=\"post\" action=\"/login\"");

      for (String page : List.of("/", "/static/app.js", "/static/app.css", "/notice/U07", "/anything")) {
        HttpResponse<String> r = anonymous.get(page);
        assertThat(r.statusCode()).as(page).isEqualTo(303);
        assertThat(r.headers().firstValue("Location")).as(page).contains("/login");
        assertThat(r.body()).as(page).isEmpty();
      }
      for (String api : List.of("/api/units", "/api/alerts", "/api/alerts/x", "/api/me", "/api/labels",
          "/api/status", "/api/stream")) {
        HttpResponse<String> r = anonymous.get(api);
        assertThat(r.statusCode()).as(api).isEqualTo(401);
        assertThat(r.body()).as(api).doesNotContain("unitId", "alertId");
      }
      assertThat(anonymous.post("/api/alerts/x/ack", "{}", true).statusCode()).isEqualTo(401);
      assertThat(anonymous.get("/api/units").headers().firstValue("Set-Cookie")).isEmpty();

      HttpResponse<String> wrong = anonymous.signIn(TestAccounts.OPERATOR.username(), "not-the-password");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("login-error");
      assertThat(anonymous.get("/api/units").statusCode()).isEqualTo(401);
      assertThat(anonymous.signIn("nobody", TestAccounts.PASSWORD).statusCode()).isEqualTo(401);

      HttpSession operator = new HttpSession(console.url());
      assertThat(operator.signIn(TestAccounts.OPERATOR.username(), TestAccounts.PASSWORD).statusCode()).isEqualTo(303);
      assertThat(operator.json("/api/me").get("role").asText()).isEqualTo("OPERATOR");
      assertThat(operator.json("/api/units")).hasSize(12);
      assertThat(operator.get("/static/app.js").statusCode()).isEqualTo(200);
      assertThat(operator.post("/api/alerts/x/ack", "{}", false).statusCode())
          .as("an API POST without the header a cross-site form cannot send").isEqualTo(403);
      assertThat(operator.get("/api/alerts?severity=PURPLE").statusCode()).isEqualTo(400);

      assertThat(operator.post("/logout", "", false).statusCode()).isEqualTo(303);
      assertThat(operator.get("/api/units").statusCode()).isEqualTo(401);
    }
  }

  @Test
  void repeatedFailedSignInsLockTheUsernameOutForAWhile(@TempDir Path store) throws Exception {
    try (ConsoleServer console = ConsoleServer.start(settings(topics("lockout"), ConsoleSettings.h2Url(store), ""))) {
      HttpSession guesser = new HttpSession(console.url());
      String user = TestAccounts.OPERATOR.username();
      for (int i = 1; i < Sessions.MAX_FAILURES; i++) {
        assertThat(guesser.signIn(user, "guess-" + i).statusCode()).as("failure " + i).isEqualTo(401);
      }
      HttpResponse<String> locked = guesser.signIn(user, "guess-" + Sessions.MAX_FAILURES);
      assertThat(locked.statusCode()).isEqualTo(429);
      assertThat(locked.body()).contains("id=\"login-error\"").contains("连续登录失败次数过多").contains("请 5 分钟后再试");
      assertThat(locked.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
          assertThat(Long.parseLong(v)).isBetween(1L, Sessions.LOCKOUT.toSeconds()));

      HttpResponse<String> right = guesser.signIn(user, TestAccounts.PASSWORD);
      assertThat(right.statusCode()).as("refused even with the right password").isEqualTo(429);
      assertThat(right.headers().firstValue("Set-Cookie")).isEmpty();
      assertThat(guesser.get("/api/me").statusCode()).isEqualTo(401);

      HttpSession english = new HttpSession(console.url());
      english.get("/login?lang=en");
      HttpResponse<String> refused = english.signIn(user, TestAccounts.PASSWORD);
      assertThat(refused.statusCode()).as("locked for every browser, not one").isEqualTo(429);
      assertThat(refused.body()).contains("Too many failed sign-ins for this username: try again in 5 min.");

      assertThat(new HttpSession(console.url()).signIn(TestAccounts.READER.username(), TestAccounts.PASSWORD)
          .statusCode()).as("other usernames sign in").isEqualTo(303);
    }
  }

  @Test
  void aNoticeForAUnitNobodyKnowsIsNotFound(@TempDir Path store) throws Exception {
    try (ConsoleServer console = ConsoleServer.start(settings(topics("notice"), ConsoleSettings.h2Url(store), ""))) {
      HttpSession operator = new HttpSession(console.url());
      operator.signIn(TestAccounts.OPERATOR.username(), TestAccounts.PASSWORD);
      HttpResponse<String> known = operator.get("/notice/U07");
      assertThat(known.statusCode()).as("a unit of the rules file, even without alerts").isEqualTo(200);
      assertThat(known.body()).contains("廉情预警告知书").contains("县住房和城乡建设局").contains("该单位当前无未办结问题");

      HttpResponse<String> unknown = operator.get("/notice/U99");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("没有单位“U99”").contains("无法出具预警告知书").doesNotContain("廉情预警告知书");
      assertThat(operator.get("/notice/U99?lang=en").body()).contains("There is no unit \"U99\"");
      HttpResponse<String> script = operator.get("/notice/%3Cb%3Ex");
      assertThat(script.statusCode()).isEqualTo(404);
      assertThat(script.body()).contains("&lt;b&gt;x").doesNotContain("<b>x");
    }
  }

  @Test
  void badInputToRectificationStatisticsAndReportsIsAClearError(@TempDir Path store) throws Exception {
    try (ConsoleServer console = ConsoleServer.start(settings(topics("bad"), ConsoleSettings.h2Url(store), ""))) {
      HttpSession operator = new HttpSession(console.url());
      operator.signIn(TestAccounts.OPERATOR.username(), TestAccounts.PASSWORD);
      HttpResponse<String> nothing = operator.post("/rectification/U07/issue", "", false);
      assertThat(nothing.statusCode()).as("a unit without open problems").isEqualTo(409);
      assertThat(nothing.body()).contains("nothing to notify");
      HttpResponse<String> decision = operator.post("/rectification/1/A-1/decide", "decision=maybe", false);
      assertThat(decision.statusCode()).isEqualTo(400);
      assertThat(decision.body()).contains("decision: must be accept or return, got maybe");
      HttpResponse<String> noItem = operator.post("/rectification/1/A-1/decide", "decision=accept", false);
      assertThat(noItem.statusCode()).isEqualTo(409);
      assertThat(noItem.body()).contains("notice 1 lists no problem A-1");
      HttpResponse<String> feedback = operator.post("/rectification/1/A-1/feedback", "submittedBy=&body=x", false);
      assertThat(feedback.statusCode()).isEqualTo(400);
      assertThat(feedback.body()).contains("submittedBy and body");

      assertThat(operator.get("/api/stats?from=2026-13-01").body()).contains("from, to: dates such as 2026-10-01");
      assertThat(operator.get("/api/stats?from=2026-12-01&to=2026-11-01").statusCode()).isEqualTo(400);
      HttpResponse<String> chart = operator.get("/api/stats/pie.csv");
      assertThat(chart.statusCode()).isEqualTo(404);
      assertThat(chart.body()).contains("no chart pie");
      HttpResponse<String> csv = operator.get("/api/stats/funnel.csv?from=2026-10-01&to=2026-12-31");
      assertThat(csv.headers().firstValue("Content-Disposition")).hasValue(
          "attachment; filename=\"funnel_2026-10-01_2026-12-31.csv\"");
      assertThat(csv.body()).startsWith("\uFEFF阶段,告警数");
      assertThat(operator.get("/reports/quarter?year=2026&quarter=5").body()).contains("quarter: 1 to 4");
      assertThat(operator.get("/reports/yearly/U07?year=last").body()).contains("year: a number such as 2026");
      HttpResponse<String> yearly = operator.get("/reports/yearly/U07?year=2026&format=csv");
      assertThat(yearly.headers().firstValue("Content-Disposition")).as("the yearly 预警建议书 as a file")
          .hasValue("attachment; filename=\"yearly_U07_2026.csv\"");
      assertThat(yearly.body()).startsWith("\uFEFFunitId,unit,year,grade,score,ruleId,alerts,red,open");
      assertThat(operator.get("/notices/999").statusCode()).isEqualTo(404);
      assertThat(operator.get("/static/echarts.min.js").statusCode()).as("served by the console itself").isEqualTo(200);
    }
  }

  @Test
  void historyAndAcknowledgementsSurviveARestartOnH2(@TempDir Path store) throws Exception {
    survivesARestart(topics("restart-h2"), ConsoleSettings.h2Url(store), "");
  }

  @Test
  void historyAndAcknowledgementsSurviveARestartOnPostgresql() throws Exception {
    survivesARestart(topics("restart-pg"), TestPostgres.newDatabase("console_restart"), TestPostgres.user());
  }

  private void survivesARestart(KafkaSettings k, String jdbcUrl, String user) throws Exception {
    String caseAlert;
    try (County county = new County(k)) {
      county.week();
      caseAlert = County.overdue("U07", County.U07_CASE, Severity.RED, AlertStatus.ESCALATED, County.MONDAY, "")
          .getAlertId();
      try (ConsoleServer console = ConsoleServer.start(settings(k, jdbcUrl, user))) {
        HttpSession operator = new HttpSession(console.url());
        operator.signIn(TestAccounts.OPERATOR.username(), TestAccounts.PASSWORD);
        Poll.until(WAIT, "the console caught up with the week", () -> operator.json("/api/status").get("caughtUp")
            .asBoolean() && operator.json("/api/alerts").size() == 14);
        HttpResponse<String> ack = operator.post("/api/alerts/" + caseAlert + "/ack", "{\"note\":\"已约谈局长\"}", true);
        assertThat(ack.statusCode()).isEqualTo(200);

        HttpSession reader = new HttpSession(console.url());
        reader.signIn(TestAccounts.READER.username(), TestAccounts.PASSWORD);
        assertThat(reader.json("/api/alerts/" + caseAlert).get("alert").get("severity").asText()).isEqualTo("RED");
        assertThat(reader.post("/api/alerts/" + caseAlert + "/ack", "{}", true).statusCode())
            .as("a read-only account cannot acknowledge").isEqualTo(403);
      }

      // While the console is down: the case is finally decided, and U07's index improves.
      county.alert(County.overdue("U07", County.U07_CASE, Severity.RED, AlertStatus.RESOLVED, County.day(4, 16),
          "办件" + County.U07_CASE + "已办结", "EAP-0731-1", "EAP-0731-2"));
      county.status("U07", 12.0, Colour.ORANGE, Grade.B, 2, County.day(4, 17).plusSeconds(60));
      county.flush();
    }

    try (ConsoleServer console = ConsoleServer.start(settings(k, jdbcUrl, user))) {
      HttpSession operator = new HttpSession(console.url());
      operator.signIn(TestAccounts.OPERATOR.username(), TestAccounts.PASSWORD);
      Poll.until(WAIT, "the restarted console read what came while it was down",
          () -> "RESOLVED".equals(operator.json("/api/alerts/" + caseAlert).get("alert").get("status").asText()));
      JsonNode detail = operator.json("/api/alerts/" + caseAlert);
      List<String> ladder = new ArrayList<>();
      detail.get("steps").forEach(s -> ladder.add(s.get("severity").asText() + "/" + s.get("status").asText()));
      assertThat(ladder).as("every step once: nothing lost, nothing read twice")
          .containsExactly("NOTICE/RAISED", "YELLOW/ESCALATED", "RED/ESCALATED", "RED/RESOLVED");
      assertThat(detail.get("acks")).singleElement().satisfies(a -> {
        assertThat(a.get("username").asText()).isEqualTo("zhangmin");
        assertThat(a.get("displayName").asText()).isEqualTo("张敏");
        assertThat(a.get("note").asText()).isEqualTo("已约谈局长");
        assertThat(a.get("severity").asText()).isEqualTo("RED");
      });
      assertThat(operator.json("/api/alerts")).hasSize(14);
      Poll.until(WAIT, "the board was rebuilt from the unit-status topic", () -> {
        for (JsonNode tile : operator.json("/api/units")) {
          if (tile.get("unitId").asText().equals("U07")) {
            return "ORANGE".equals(tile.get("colour").asText()) && tile.get("score").asDouble() == 12.0;
          }
        }
        return false;
      });
      assertThat(operator.json("/api/units")).filteredOn(t -> t.get("unitId").asText().equals("U04"))
          .singleElement().satisfies(t -> assertThat(t.get("colour").asText()).isEqualTo("RED"));
    }
  }
}
