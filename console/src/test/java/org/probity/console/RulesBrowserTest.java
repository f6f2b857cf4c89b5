package org.probity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.versions.RulesHistory;
import org.probity.jobs.versions.RulesTopic;
import org.probity.schema.Alert;
import org.probity.schema.RulesVersion;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * A rule owner's day in headless Chromium on a real broker: the county's week in the store, version
 * 1 on the rules topic as the job publishes it; 县财政局's large-funds threshold lowered in the
 * editor (refused while it is not a number, then valid with its diff), the draft backtested on the
 * week's events (a payment becomes large without a collective decision), published with a comment,
 * and the history showing it pending, then in force once its time has come. The alerts show the
 * rules version that judged them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RulesBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** Flink starts a mini cluster in the console and runs the pipeline twice over the week. */
  private static final Duration BACKTEST_WAIT = Duration.ofSeconds(90);
  private static final String THRESHOLD = "{id: U04, name: 县财政局, largeFundsThresholdFen: 5000000}";

  @TempDir
  static Path tmp;

  private static EmbeddedKafka kafka;
  private static KafkaSettings topics;
  private static County county;
  private static ConsoleServer console;
  private static ChromeDriver driver;
  /** The console's clock: the Monday after the county's week, until the test lets the new version's time come. */
  private static final AtomicReference<Instant> NOW = new AtomicReference<>(County.MONDAY.plus(Duration.ofDays(7)));
  /** An alert the job judged by version 3 of the rules. */
  private static final Alert BY_V3 = Alerts.of(RuleId.PAYMENT_DUPLICATE, 1, "SAME_INVOICE").severity(Severity.YELLOW)
      .unit("U01").subject(SubjectType.VOUCHER, "PZ-U01-0902").person("U01-D").amountFen(2_000_000L)
      .eventTime(County.day(4, 10)).message("发票No.33019020向同一收款人重复支付¥20,000.00").build();

  private static final Clock CLOCK = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return NOW.get();
    }
  };

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(tmp.resolve("kafka"));
    topics = KafkaSettings.defaults(kafka.bootstrapServers());
    kafka.createTopics(topics, 2);
    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic(RulesTopic.DEFAULT, 1, (short) 1)
          .configs(Map.of("cleanup.policy", "compact")))).all().get();
    }
    String startRules;
    try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(RulesFile.DEFAULT_RESOURCE)) {
      startRules = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(startRules).contains(THRESHOLD);
    // What the job does when it starts on an empty rules topic.
    RulesTopic.publish(topics.client(), RulesTopic.DEFAULT,
        RulesHistory.startingWith(RulesFile.parse(startRules, "start"), startRules).firstAsRecord());
    county = new County(topics);
    county.week();
    BY_V3.setRulesVersion(3);
    county.alert(BY_V3);
    county.flush();
    console = ConsoleServer.start(ConsoleSettings.defaults().withListen("127.0.0.1", 0).withKafka(topics)
        .withStore(ConsoleSettings.h2Url(tmp.resolve("store")), "", "").withAccounts(TestAccounts.ALL)
        .withCentreName("某县纪委监委监察中心"), CLOCK);
    Poll.until(WAIT, "the console has the week", () -> console.status().caughtUp());
    driver = Chromium.start(tmp.resolve("chromium"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (console != null) {
      console.close();
    }
    if (county != null) {
      county.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static <T> T until(String what, Duration wait, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, wait).withMessage(what).ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  private static <T> T until(String what, Function<WebDriver, T> condition) {
    return until(what, WAIT, condition);
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Selects {@code old} in the draft and types {@code typed} over it, as a person editing the file does. */
  private static void typeOver(String old, String typed) {
    WebElement draft = driver.findElement(By.id("draft"));
    Object found = js("const t = arguments[0]; const i = t.value.indexOf(arguments[1]); if (i < 0) return false;"
        + " t.focus(); t.setSelectionRange(i, i + arguments[1].length); return true;", draft, old);
    assertThat(found).as("the draft has " + old).isEqualTo(true);
    draft.sendKeys(typed);
  }

  private static WebElement check() {
    return driver.findElement(By.id("check"));
  }

  @Test
  void aRuleOwnerEditsBacktestsAndPublishesAVersionThatTheHistoryShowsInForceFromItsTime() throws Exception {
    driver.get(console.url() + "login");
    driver.findElement(By.id("username")).sendKeys(TestAccounts.OWNER.username());
    driver.findElement(By.id("password")).sendKeys(TestAccounts.PASSWORD);
    driver.findElement(By.id("sign-in")).click();
    until("the week's alerts in the feed", d -> !d.findElements(By.cssSelector("#feed tr.alert-row")).isEmpty());

    // The alerts say which rules version judged them.
    driver.findElement(By.id("f-all")).click();
    WebElement v3 = until("the alert judged by version 3", d -> d.findElement(
        By.cssSelector("#feed tr.alert-row[data-alert-id='" + BY_V3.getAlertId() + "']")));
    assertThat(v3.findElement(By.cssSelector(".rules-version")).getText()).isEqualTo("规则版本 v3");
    v3.click();
    until("its detail", d -> d.findElement(By.id("d-rules-version")).getText().equals("v3"));
    driver.findElement(By.id("d-close")).click();
    WebElement v1 = driver.findElement(By.cssSelector("#feed tr.alert-row[data-alert-id='"
        + County.LARGE_PAYMENT.getAlertId() + "']"));
    assertThat(v1.findElement(By.cssSelector(".rules-version")).getText()).isEqualTo("规则版本 v1");

    WebElement nav = driver.findElement(By.id("nav-rules"));
    until("the rules link for a rule owner", d -> nav.isDisplayed());
    nav.click();
    until("the rules page", d -> d.findElement(By.id("in-force")).getText().equals("v1"));
    until("the draft checked as it is", d -> "ok".equals(check().getAttribute("data-state")));
    assertThat(driver.findElement(By.id("publish")).isEnabled()).as("nothing changed yet").isFalse();

    // The parameters' form writes into the file: the default large-funds threshold raised, then put back.
    WebElement field = driver.findElement(By.cssSelector("#param-form input[name='parameters.payment.largeFundsThresholdFen']"));
    assertThat(field.getAttribute("value")).isEqualTo("10000000");
    assertThat(field.findElement(By.xpath("ancestor::tr")).getText()).contains("三重一大");
    field.clear();
    field.sendKeys("20000000");
    until("the form's change checked", d -> "ok".equals(check().getAttribute("data-state"))
        && d.findElements(By.cssSelector("#check-changes li")).size() == 1);
    assertThat(driver.findElement(By.cssSelector("#check-changes li")).getText())
        .isEqualTo("parameters.payment.largeFundsThresholdFen: 10000000 → 20000000");
    assertThat((String) js("return document.getElementById('draft').value")).contains(
        "    largeFundsThresholdFen: 20000000   # 三重一大");
    field.clear();
    field.sendKeys("10000000");
    until("back to no change", d -> "ok".equals(check().getAttribute("data-state"))
        && d.findElements(By.cssSelector("#check-changes li")).isEmpty());

    // A threshold that is not a number: refused with the field, as the job would refuse it.
    typeOver("5000000}", "4000000元}");
    until("the draft refused", d -> "error".equals(check().getAttribute("data-state")));
    assertThat(driver.findElement(By.id("check-error")).getText()).startsWith("rules version 2: ")
        .contains("largeFundsThresholdFen");
    assertThat(driver.findElement(By.id("publish")).isEnabled()).isFalse();
    typeOver("4000000元}", "4000000}");
    until("the draft valid", d -> "ok".equals(check().getAttribute("data-state")));
    List<WebElement> changes = driver.findElements(By.cssSelector("#check-changes li"));
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).getText()).contains("U04").contains("largeFundsThresholdFen")
        .contains("5000000").contains("4000000");

    // The week replayed by both versions: 县财政局's ¥43,800 payment is now large, without a decision.
    driver.findElement(By.id("run-backtest")).click();
    until("the backtest done", BACKTEST_WAIT,
        d -> "done".equals(d.findElement(By.id("backtest")).getAttribute("data-state")));
    List<WebElement> rows = driver.findElements(By.cssSelector("#backtest-rows tr.backtest-row"));
    assertThat(rows).isNotEmpty();
    WebElement large = driver.findElement(By.cssSelector(
        "#backtest-rows tr.backtest-row[data-rule='PAYMENT_LARGE_WITHOUT_DECISION'][data-unit='U04']"));
    assertThat(large.getText()).contains("县财政局");
    assertThat(Integer.parseInt(large.findElements(By.tagName("td")).get(2).getText())).isPositive();
    assertThat(driver.findElements(By.cssSelector("#backtest-examples tr.backtest-example[data-kind='ONLY_AGAINST']")))
        .anyMatch(e -> e.getText().contains("PZ-2026-1112"));
    assertThat(driver.findElements(By.cssSelector("#backtest-chart canvas"))).as("the chart").isNotEmpty();
    assertThat(driver.findElement(By.id("backtest-summary")).getText()).contains("草稿新增");

    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", 1366, "height", 1340, "deviceScaleFactor", 1, "mobile", false));
    Files.write(Path.of("target", "console-rules.png"), driver.getScreenshotAs(OutputType.BYTES));
    driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());

    // Published with a comment, effective an hour from now (the form's default).
    WebElement effective = driver.findElement(By.id("effective-from"));
    assertThat(effective.getAttribute("value")).isEqualTo("2026-11-23T10:00");
    driver.findElement(By.id("comment")).sendKeys("县纪委〔2026〕12号：县财政局大额资金标准下调至4万元");
    driver.findElement(By.id("publish")).click();
    WebElement v2 = until("version 2 in the history", d -> d.findElement(By.cssSelector("#versions tr[data-version='2']")));
    assertThat(v2.getText()).contains("lihua").contains("县纪委〔2026〕12号").contains("待生效")
        .contains("U04").contains("5000000 → 4000000");
    assertThat(v2.findElement(By.cssSelector(".effective")).getText()).isEqualTo("2026-11-23 10:00");
    assertThat(driver.findElement(By.id("in-force")).getText()).isEqualTo("v1");
    RulesVersion onTopic = RulesTopic.readAll(topics.client(), RulesTopic.DEFAULT, Duration.ofSeconds(10)).get(1)
        .version();
    assertThat(onTopic.getVersion()).isEqualTo(2);
    assertThat(onTopic.getAuthor()).isEqualTo("lihua");

    // Its time comes: version 2 is in force.
    NOW.set(NOW.get().plus(Duration.ofHours(2)));
    driver.navigate().refresh();
    until("version 2 in force", d -> d.findElement(By.id("in-force")).getText().equals("v2"));
    assertThat(driver.findElement(By.cssSelector("#versions tr[data-version='2']")).getAttribute("class"))
        .contains("in-force");
    driver.get(console.url() + "audit");
    assertThat(driver.findElement(By.cssSelector("tr.audit-entry[data-action='RULES_PUBLISH']")).getText())
        .contains("rules v2").contains("县纪委〔2026〕12号");
  }
}
