package org.probity.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.versions.RulesHistory;
import org.probity.jobs.versions.RulesTopic;
import org.probity.schema.RulesVersion;

/**
 * The rule owners' endpoints over plain HTTP against a real broker: nobody else sees them, a draft
 * is refused with the one line naming its field, a valid one shows what it changes, and publishing
 * puts the next version on the rules topic, refusals and publications both in the audit trail.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RuleOwnerServerTest {
  @TempDir
  static Path tmp;

  private static EmbeddedKafka kafka;
  private static KafkaSettings topics;
  private static ConsoleServer console;
  private static String startRules;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(tmp.resolve("kafka"));
    topics = KafkaSettings.defaults(kafka.bootstrapServers());
    kafka.createTopics(topics, 1);
    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic(RulesTopic.DEFAULT, 1, (short) 1)
          .configs(Map.of("cleanup.policy", "compact")))).all().get();
    }
    try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(RulesFile.DEFAULT_RESOURCE)) {
      startRules = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    console = ConsoleServer.start(ConsoleSettings.defaults().withListen("127.0.0.1", 0).withKafka(topics)
        .withStore(ConsoleSettings.h2Url(tmp.resolve("store")), "", "").withAccounts(TestAccounts.ALL));
  }

  @AfterAll
  static void stop() throws Exception {
    if (console != null) {
      console.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static HttpSession signedIn(String username) throws Exception {
    HttpSession s = new HttpSession(console.url());
    assertThat(s.signIn(username, TestAccounts.PASSWORD).statusCode()).isEqualTo(303);
    return s;
  }

  private static String body(String rules, String comment, Instant effectiveFrom) {
    ObjectNode n = HttpSession.JSON.createObjectNode().put("rules", rules).put("comment", comment);
    if (effectiveFrom != null) {
      n.put("effectiveFrom", LocalDateTime.ofInstant(effectiveFrom, County.ZONE).truncatedTo(ChronoUnit.MINUTES)
          .toString());
    }
    return n.toString();
  }

  private static String lowered(String rules) {
    String lowered = rules.replace("largeFundsThresholdFen: 10000000", "largeFundsThresholdFen: 1000000");
    assertThat(lowered).isNotEqualTo(rules);
    return lowered;
  }

  private static List<RulesVersion> published() {
    return RulesTopic.readAll(topics.client(), RulesTopic.DEFAULT, Duration.ofSeconds(10)).stream()
        .map(RulesTopic.Read::version).toList();
  }

  @Test
  @Order(1)
  void beforeTheJobHasPublishedVersionOneThereIsNothingToFollow() throws Exception {
    HttpSession owner = signedIn(TestAccounts.OWNER.username());
    assertThat(owner.get("/rules").body()).contains("id=\"rules-empty\"");
    JsonNode v = HttpSession.JSON.readTree(owner.post("/api/rules/check", body(startRules, "", null), true).body());
    assertThat(v.get("accepted").asBoolean()).isFalse();
    assertThat(v.get("error").asText()).contains("probity.rules: no version is published yet");
  }

  @Test
  @Order(2)
  void onlyRuleOwnersSeeOrUseTheRules() throws Exception {
    for (var account : List.of(TestAccounts.OPERATOR, TestAccounts.READER)) {
      HttpSession s = signedIn(account.username());
      assertThat(s.get("/rules").statusCode()).as(account + " GET /rules").isEqualTo(403);
      for (String path : List.of("/api/rules/check", "/api/rules/backtest", "/api/rules/publish")) {
        assertThat(s.post(path, body(startRules, "x", Instant.now().plus(Duration.ofHours(1))), true).statusCode())
            .as(account + " POST " + path).isEqualTo(403);
      }
      assertThat(s.get("/api/rules/backtest/1").statusCode()).as(account + " GET a backtest").isEqualTo(403);
      assertThat(s.json("/api/me").get("mayOwnRules").asBoolean()).isFalse();
    }
    HttpSession owner = signedIn(TestAccounts.OWNER.username());
    assertThat(owner.json("/api/me").get("mayOwnRules").asBoolean()).isTrue();
    assertThat(owner.post("/api/alerts/A-1/ack", "{}", true).statusCode()).as("a rule owner does not acknowledge")
        .isEqualTo(403);
    assertThat(published()).as("nothing was published").isEmpty();
  }

  @Test
  @Order(3)
  void aDraftIsRefusedWithTheFieldOrShowsWhatItChanges() throws Exception {
    RulesTopic.publish(topics.client(), RulesTopic.DEFAULT,
        RulesHistory.startingWith(RulesFile.parse(startRules, "start"), startRules).firstAsRecord());
    HttpSession owner = signedIn(TestAccounts.OWNER.username());
    String page = owner.get("/rules").body();
    assertThat(page).contains("id=\"in-force\">v1<").contains("id=\"draft\"").contains("largeFundsThresholdFen: 10000000");

    JsonNode bad = HttpSession.JSON.readTree(owner.post("/api/rules/check",
        body(startRules.replace("largeFundsThresholdFen: 10000000", "largeFundsThresholdFen: lots"), "", null), true)
        .body());
    assertThat(bad.get("accepted").asBoolean()).isFalse();
    assertThat(bad.get("version").asInt()).isEqualTo(2);
    assertThat(bad.get("error").asText()).startsWith("rules version 2: ")
        .contains("parameters.payment.largeFundsThresholdFen").doesNotContain("\n");

    JsonNode restart = HttpSession.JSON.readTree(owner.post("/api/rules/check",
        body(startRules.replace("signatureWindowDays: 90", "signatureWindowDays: 60"), "", null), true).body());
    assertThat(restart.get("error").asText()).contains("parameters.payment.signatureWindowDays: changes only with a restart");

    JsonNode good = HttpSession.JSON.readTree(owner.post("/api/rules/check", body(lowered(startRules), "", null), true)
        .body());
    assertThat(good.get("accepted").asBoolean()).isTrue();
    assertThat(good.get("comparedWith").asInt()).isEqualTo(1);
    assertThat(good.get("changes")).hasSize(1);
    assertThat(good.get("changes").get(0).get("path").asText()).isEqualTo("parameters.payment.largeFundsThresholdFen");
    assertThat(good.get("changes").get(0).get("text").asText()).contains("10000000").contains("1000000");

    HttpResponse<String> notJson = owner.post("/api/rules/check", "rules: x", true);
    assertThat(notJson.statusCode()).isEqualTo(400);
    HttpResponse<String> days = owner.post("/api/rules/backtest",
        HttpSession.JSON.createObjectNode().put("rules", lowered(startRules)).put("days", 0).toString(), true);
    assertThat(days.statusCode()).isEqualTo(400);
    assertThat(HttpSession.JSON.readTree(days.body()).get("error").asText()).startsWith("days: 1 to 366");
    HttpResponse<String> invalid = owner.post("/api/rules/backtest", body("parameters: [", "", null), true);
    assertThat(invalid.statusCode()).as("an invalid draft is not backtested").isEqualTo(400);
    assertThat(owner.get("/api/rules/backtest/999").statusCode()).isEqualTo(404);
  }

  @Test
  @Order(4)
  void publishingPutsTheNextVersionOnTheTopicAndEveryAttemptInTheAuditTrail() throws Exception {
    HttpSession owner = signedIn(TestAccounts.OWNER.username());
    String draft = lowered(startRules);

    HttpResponse<String> past = owner.post("/api/rules/publish",
        body(draft, "财政局大额资金标准下调", Instant.now().minus(Duration.ofHours(1))), true);
    assertThat(past.statusCode()).isEqualTo(400);
    assertThat(HttpSession.JSON.readTree(past.body()).get("error").asText()).startsWith("effectiveFrom: ")
        .contains("in the past");
    HttpResponse<String> noComment = owner.post("/api/rules/publish",
        body(draft, " ", Instant.now().plus(Duration.ofHours(1))), true);
    assertThat(HttpSession.JSON.readTree(noComment.body()).get("error").asText()).startsWith("comment: required");
    HttpResponse<String> invalid = owner.post("/api/rules/publish",
        body("parameters: [", "试发布", Instant.now().plus(Duration.ofHours(1))), true);
    assertThat(invalid.statusCode()).isEqualTo(400);
    HttpResponse<String> same = owner.post("/api/rules/publish",
        body(startRules, "重新发布", Instant.now().plus(Duration.ofHours(1))), true);
    assertThat(HttpSession.JSON.readTree(same.body()).get("error").asText())
        .isEqualTo("rules: changes nothing from version 1");
    assertThat(published()).as("nothing refused reaches the topic").hasSize(1);

    Instant effective = Instant.now().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MINUTES);
    HttpResponse<String> ok = owner.post("/api/rules/publish", body(draft, "县纪委〔2026〕12号：大额资金标准下调", effective), true);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(HttpSession.JSON.readTree(ok.body()).get("published").asInt()).isEqualTo(2);

    List<RulesVersion> onTopic = published();
    assertThat(onTopic).hasSize(2);
    RulesVersion v2 = onTopic.get(1);
    assertThat(v2.getVersion()).isEqualTo(2);
    assertThat(v2.getAuthor()).isEqualTo(TestAccounts.OWNER.username());
    assertThat(v2.getComment()).isEqualTo("县纪委〔2026〕12号：大额资金标准下调");
    assertThat(v2.getEffectiveFrom()).isEqualTo(effective);
    assertThat(v2.getRules()).isEqualTo(draft);

    String page = owner.get("/rules").body();
    assertThat(page).contains("data-version=\"2\"").contains("待生效").contains("县纪委〔2026〕12号")
        .contains("parameters.payment.largeFundsThresholdFen: 10000000 → 1000000").contains("id=\"in-force\">v1<");

    HttpSession operator = signedIn(TestAccounts.OPERATOR.username());
    String audit = operator.get("/audit").body();
    assertThat(audit.split("data-action=\"RULES_REFUSED\"", -1)).as("four refusals").hasSize(5);
    assertThat(audit).contains("data-action=\"RULES_PUBLISH\"").contains("rules v2").contains("in the past")
        .contains("县纪委〔2026〕12号");
  }

  @Test
  @Order(5)
  void aVersionTheJobRefusesIsListedWithWhyAndItsNumberIsNotTakenAgain() throws Exception {
    String restart = startRules.replace("signatureWindowDays: 90", "signatureWindowDays: 60");
    RulesTopic.publish(topics.client(), RulesTopic.DEFAULT, RulesVersion.newBuilder().setVersion(3)
        .setAuthor("probity rules publish").setComment("窗口期缩短").setEffectiveFrom(Instant.now().plus(Duration.ofDays(1)))
        .setPublishedAt(Instant.now()).setRules(restart).build());
    HttpSession owner = signedIn(TestAccounts.OWNER.username());
    String page = owner.get("/rules").body();
    assertThat(page).contains("id=\"refused\"").contains("data-version=\"3\"")
        .contains("parameters.payment.signatureWindowDays: changes only with a restart");

    JsonNode next = HttpSession.JSON.readTree(owner.post("/api/rules/check", body(lowered(startRules), "", null), true)
        .body());
    assertThat(next.get("version").asInt()).as("above the refused 3").isEqualTo(4);
    assertThat(next.get("comparedWith").asInt()).isEqualTo(2);
    assertThat(next.get("accepted").asBoolean()).as(next.toString()).isTrue();
    assertThat(next.get("changes")).as("version 2 already lowered it").isEmpty();
  }

  @Test
  @Order(6)
  void aRulesTopicOutOfReachIsSaidInOneLine() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    try (ConsoleServer away = ConsoleServer.start(ConsoleSettings.defaults().withListen("127.0.0.1", 0)
        .withKafka(KafkaSettings.defaults("127.0.0.1:" + closed))
        .withStore(ConsoleSettings.h2Url(tmp.resolve("store-away")), "", "").withAccounts(TestAccounts.ALL))) {
      HttpSession owner = new HttpSession(away.url());
      owner.signIn(TestAccounts.OWNER.username(), TestAccounts.PASSWORD);
      HttpResponse<String> page = owner.get("/rules");
      assertThat(page.statusCode()).isEqualTo(503);
      assertThat(page.body()).contains("rules topic probity.rules: cannot be read now");
    }
  }
}
