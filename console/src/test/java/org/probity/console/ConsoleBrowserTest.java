package org.probity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.print.PrintOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.Colour;
import org.probity.schema.Grade;
import org.probity.schema.Severity;

/**
 * The monitoring centre's work in a real browser: Debian's headless Chromium driven by Debian's
 * chromedriver (one build, so the protocol always matches; nothing is downloaded), against a
 * console reading a real Kafka broker. The county's week ({@link County}) is on the topics before
 * the first test; the tests that add records (the ladder, the generator) come last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConsoleBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  static Path tmp;

  private static EmbeddedKafka kafka;
  private static KafkaSettings topics;
  private static County county;
  private static ConsoleServer console;
  private static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(tmp.resolve("kafka"));
    topics = KafkaSettings.defaults(kafka.bootstrapServers());
    kafka.createTopics(topics, 2);
    county = new County(topics);
    county.week();
    console = ConsoleServer.start(ConsoleSettings.defaults().withListen("127.0.0.1", 0).withKafka(topics)
        .withStore(ConsoleSettings.h2Url(tmp.resolve("store")), "", "").withAccounts(TestAccounts.ALL)
        .withCentreName("某县纪委监委监察中心"));
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

  // ------------------------------------------------------------------ helpers

  private static <T> T until(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).withMessage(what)
        .ignoring(StaleElementReferenceException.class).until(condition);
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private static void viewport(int width, int height) {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
  }

  private static void signIn(String username) {
    driver.manage().deleteAllCookies();
    driver.get(console.url() + "login");
    driver.findElement(By.id("username")).sendKeys(username);
    driver.findElement(By.id("password")).sendKeys(TestAccounts.PASSWORD);
    driver.findElement(By.id("sign-in")).click();
    openBoard();
  }

  /** The console's page, signed in, with the week's tiles and feed loaded and the live stream open. */
  private static void openBoard() {
    if (!driver.getCurrentUrl().equals(console.url())) {
      driver.get(console.url());
    }
    until("the live stream is open", d -> d.findElement(By.id("conn")).getAttribute("class").contains("up"));
    until("twelve tiles", d -> d.findElements(By.cssSelector(".tile")).size() == 12);
    until("the week's alerts in the feed", d -> row(County.TENDER.getAlertId()) != null);
  }

  private static WebElement tile(String unitId) {
    return driver.findElement(By.cssSelector(".tile[data-unit-id='" + unitId + "']"));
  }

  private static WebElement row(String alertId) {
    List<WebElement> rows = driver.findElements(By.cssSelector("tr[data-alert-id='" + alertId + "']"));
    return rows.isEmpty() ? null : rows.get(0);
  }

  private static List<WebElement> rows() {
    return driver.findElements(By.cssSelector("#feed tr.alert-row"));
  }

  private static void openDetail(String alertId) {
    until("the alert's row", d -> row(alertId)).click();
    until("the alert's detail", d -> !d.findElements(By.cssSelector("#d-content [data-alert-id='" + alertId + "']"))
        .isEmpty());
  }

  // ------------------------------------------------------------------ tests

  @Test
  @Order(1)
  void signingInIsRequiredAndAWrongPasswordIsRefused() {
    driver.manage().deleteAllCookies();
    driver.get(console.url());
    assertThat(driver.getCurrentUrl()).isEqualTo(console.url() + "login");
    assertThat(driver.findElements(By.cssSelector(".tile"))).isEmpty();

    driver.findElement(By.id("username")).sendKeys(TestAccounts.OPERATOR.username());
    driver.findElement(By.id("password")).sendKeys("wrong password");
    driver.findElement(By.id("sign-in")).click();
    assertThat(until("the refusal", d -> d.findElement(By.id("login-error"))).getText()).contains("用户名或密码错误");

    signIn(TestAccounts.OPERATOR.username());
    assertThat(driver.findElement(By.id("user")).getText()).contains("张敏").contains("值班员");
    assertThat(tile("U07").getText()).contains("县住房和城乡建设局").contains("22.0").contains("C");
    assertThat(tile("U07").getAttribute("data-colour")).isEqualTo("RED");
    assertThat(tile("U06").getAttribute("data-colour")).isEqualTo("ORANGE");
    assertThat(tile("U05").getAttribute("data-colour")).isEqualTo("GREEN");
    assertThat(driver.findElement(By.id("count-RED")).getText()).isEqualTo("2");
  }

  @Test
  @Order(2)
  void theBoardFitsA1366x768ScreenAndAWallScreen() throws Exception {
    signIn(TestAccounts.OPERATOR.username());
    viewport(1366, 768);
    driver.navigate().refresh();
    openBoard();
    until("what needs attention: the week's open, unacknowledged alerts", d -> rows().size() == 13);
    driver.findElement(By.id("f-all")).click();
    until("all fourteen of the week's alerts", d -> rows().size() == 14);
    assertWholeBoardVisible();
    double smallFont = tileNameFontPx();

    // The fixture's week at 1366×768 (docs/console-board.png is taken during the demo instead, by deploy's DemoTest).
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(1366);
    assertThat(image.getHeight()).isEqualTo(768);
    Files.write(Path.of("target", "console-board.png"), png);

    viewport(3840, 2160);
    driver.navigate().refresh();
    openBoard();
    assertWholeBoardVisible();
    assertThat(tileNameFontPx()).as("a wall screen's text grows with it").isGreaterThan(smallFont * 1.8);
    Files.write(Path.of("target", "console-wall.png"), driver.getScreenshotAs(OutputType.BYTES));
    viewport(1366, 768);
  }

  private static double tileNameFontPx() {
    return Double.parseDouble(((String) js("return getComputedStyle(document.querySelector('.t-name')).fontSize"))
        .replace("px", ""));
  }

  private static void assertWholeBoardVisible() {
    assertThat((Boolean) js("return document.documentElement.scrollWidth <= innerWidth"
        + " && document.documentElement.scrollHeight <= innerHeight")).as("no page scrolling").isTrue();
    @SuppressWarnings("unchecked")
    List<Boolean> inView = (List<Boolean>) js("return [...document.querySelectorAll('.tile')].map(t => {"
        + " const r = t.getBoundingClientRect(); const b = document.getElementById('board').getBoundingClientRect();"
        + " return r.top >= b.top && r.bottom <= b.bottom + 1 && r.right <= innerWidth && r.width > 0; })");
    assertThat(inView).as("every tile on screen without scrolling the board").hasSize(12).containsOnly(true);
  }

  @Test
  @Order(3)
  void theFeedFiltersByRuleUnitSeverityAndStatus() {
    signIn(TestAccounts.OPERATOR.username());
    new Select(driver.findElement(By.id("f-rule"))).selectByValue("PAYMENT_SIGNATURE_CHAIN");
    until("only three-signature alerts", d -> row(County.TENDER.getAlertId()) == null
        && row(County.SIGNATURES.getAlertId()) != null);
    assertThat(rows()).allSatisfy(r -> assertThat(r.getAttribute("data-rule")).isEqualTo("PAYMENT_SIGNATURE_CHAIN"));
    assertThat(row(County.SIGNATURES.getAlertId()).getText()).contains("三审三签").contains("县财政局")
        .contains("缺少纪检组长审签");

    driver.findElement(By.id("f-all")).click();
    tile("U07").click(); // a tile filters the feed to its unit
    until("only U07's alerts", d -> row(County.SIGNATURES.getAlertId()) == null && row(County.TENDER.getAlertId()) != null);
    assertThat(rows()).hasSize(3).allSatisfy(r -> assertThat(r.getAttribute("data-unit")).isEqualTo("U07"));
    assertThat(new Select(driver.findElement(By.id("f-unit"))).getFirstSelectedOption().getText())
        .isEqualTo("县住房和城乡建设局");

    new Select(driver.findElement(By.id("f-severity"))).selectByValue("RED");
    until("U07's red cards", d -> row(County.SPLIT.getAlertId()) == null);
    assertThat(rows()).hasSize(2).allSatisfy(r -> assertThat(r.getAttribute("data-severity")).isEqualTo("RED"));

    driver.findElement(By.id("f-all")).click();
    new Select(driver.findElement(By.id("f-status"))).selectByValue("RESOLVED");
    until("the resolved case of 县水利局", d -> row(County.TENDER.getAlertId()) == null && rows().size() == 1);
    assertThat(rows().get(0).getAttribute("data-status")).isEqualTo("RESOLVED");
    assertThat(rows().get(0).getText()).contains("县水利局");

    driver.findElement(By.id("f-all")).click();
    until("every alert again", d -> rows().size() == 14);
    List<String> times = rows().stream().map(r -> r.findElement(By.cssSelector("td.time")).getAttribute("title")).toList();
    assertThat(times).as("ordered by the violation's time, newest first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
    new Select(driver.findElement(By.id("f-sort"))).selectByValue("OLDEST");
    until("oldest first", d -> rows().size() == 14 && rows().get(0).findElement(By.cssSelector("td.time"))
        .getAttribute("title").equals(times.get(times.size() - 1)));

    driver.findElement(By.id("f-clear")).click();
    until("what needs attention again", d -> rows().size() == 13);
    assertThat(rows()).allSatisfy(r -> assertThat(r.getAttribute("data-open")).isEqualTo("true"));
  }

  @Test
  @Order(4)
  void anAlertShowsItsRulePeopleVersionTimesAndEvidence() {
    signIn(TestAccounts.OPERATOR.username());
    openDetail(County.LARGE_PAYMENT.getAlertId());
    assertThat(driver.findElement(By.id("d-title")).getText()).contains("红牌").contains("三重一大未经集体决策");
    assertThat(driver.findElement(By.id("d-message")).getText()).contains("PZ-2026-1108").contains("未附集体决策记录");
    assertThat(driver.findElement(By.id("d-rule")).getText()).isEqualTo("PAYMENT_LARGE_WITHOUT_DECISION");
    assertThat(driver.findElement(By.id("d-reason")).getText()).contains("NO_DECISION_REF").contains("无集体决策依据");
    assertThat(driver.findElement(By.id("d-rule-version")).getText()).isEqualTo("1");
    assertThat(driver.findElement(By.id("d-persons")).getText()).contains("蔡文华").contains("U04-P");
    assertThat(driver.findElement(By.id("d-amount")).getText()).isEqualTo("¥860,000.00");
    assertThat(driver.findElement(By.id("d-event-time")).getText()).isEqualTo("2026-11-17 15:00:00");
    assertThat(driver.findElement(By.id("d-detected")).getText()).isEqualTo("2026-11-17 15:00:00");

    List<WebElement> evidence = driver.findElements(By.cssSelector("#d-evidence .evidence"));
    assertThat(evidence).extracting(e -> e.getAttribute("data-event-id"))
        .containsExactly("EPA-1108-1", "EPA-1108-2", "EPA-1108-3");
    assertThat(evidence).noneMatch(e -> e.getAttribute("class").contains("missing"));
    // Labelled as the centre reads it: field names, enum values in words, yuan, times in the county's zone.
    assertThat(evidence.get(1).getText()).contains("操作 签字 (SIGNED)").contains("签字人 U04-P")
        .contains("签字人角色 主要负责人（一把手） (PRINCIPAL)").contains("凭证号 PZ-2026-1108").contains("金额 ¥860,000.00")
        .doesNotContain("amountFen");
    assertThat(evidence.get(2).getText()).contains("支付 (PAID)").contains("发生时间 2026-11-17 15:00:00");

    // The ladder of a case: every step it went through, in order.
    driver.findElement(By.id("d-close")).click();
    openDetail(County.overdue("U07", County.U07_CASE, Severity.RED, AlertStatus.ESCALATED, County.MONDAY, "")
        .getAlertId());
    assertThat(driver.findElements(By.cssSelector("#d-steps li"))).extracting(e -> e.getAttribute("data-severity"))
        .containsExactly("NOTICE", "YELLOW", "RED");
    assertThat(driver.findElements(By.cssSelector("#d-evidence .evidence"))).extracting(e -> e.getAttribute("data-event-id"))
        .containsExactly("EAP-0731-1", "EAP-0731-2");
    driver.findElement(By.id("d-close")).click();
  }

  @Test
  @Order(5)
  void anOperatorAcknowledgesAnAlertAndItIsKept() {
    signIn(TestAccounts.OPERATOR.username());
    String id = County.SIGNATURES.getAlertId();
    assertThat(row(id).getText()).contains("待确认");
    openDetail(id);
    driver.findElement(By.id("ack-note")).sendKeys("已通知财政局补签并说明情况");
    driver.findElement(By.id("ack-button")).click();
    String ack = until("the acknowledgement", d -> d.findElement(By.cssSelector("#d-acks .ack-entry")).getText());
    assertThat(ack).contains("张敏").contains("zhangmin").contains("已通知财政局补签并说明情况").contains("黄牌");
    assertThat(driver.findElements(By.id("ack-button"))).as("nothing left to acknowledge").isEmpty();
    until("acknowledged, it no longer needs attention", d -> row(id) == null);
    new Select(driver.findElement(By.id("f-ack"))).selectByValue("DONE");
    until("the feed shows who acknowledged", d -> row(id) != null && row(id).getText().contains("✓ 张敏"));

    driver.navigate().refresh();
    openBoard();
    new Select(driver.findElement(By.id("f-ack"))).selectByValue("DONE");
    until("kept by the console, not the page", d -> row(id) != null && row(id).getText().contains("✓ 张敏"));

    signIn(TestAccounts.READER.username());
    openDetail(County.FEE.getAlertId());
    assertThat(driver.findElements(By.id("ack-button"))).isEmpty();
    assertThat(driver.findElement(By.cssSelector("#d-content .read-only")).getText()).contains("只读账号不能确认");
    driver.findElement(By.id("d-close")).click();
  }

  @Test
  @Order(6)
  void aUnitsWarningNoticeListsItsOpenProblemsAndPrints() throws Exception {
    signIn(TestAccounts.OPERATOR.username());
    String href = tile("U07").findElement(By.cssSelector(".t-notice")).getAttribute("href");
    driver.get(href);
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("廉情预警告知书");
    assertThat(driver.findElement(By.cssSelector(".to")).getText()).contains("县住房和城乡建设局");
    assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("3项未办结问题")
        .contains("某县纪委监委监察中心");
    List<WebElement> problems = driver.findElements(By.cssSelector("tr.problem"));
    assertThat(problems).extracting(p -> p.getAttribute("data-alert-id")).containsExactlyInAnyOrder(
        County.TENDER.getAlertId(), County.SPLIT.getAlertId(),
        County.overdue("U07", County.U07_CASE, Severity.RED, AlertStatus.ESCALATED, County.MONDAY, "").getAlertId());
    WebElement tender = driver.findElement(By.cssSelector("tr.problem[data-alert-id='" + County.TENDER.getAlertId() + "']"));
    assertThat(tender.getText()).contains("应招未招").contains("红牌").contains("¥1,860,000.00")
        .contains("达到公开招标数额标准的项目一律公开招标");

    driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
    assertThat(driver.findElement(By.cssSelector(".toolbar")).isDisplayed()).as("no buttons on paper").isFalse();
    driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
    assertThat(driver.findElement(By.id("print")).isDisplayed()).isTrue();

    byte[] pdf = Base64.getDecoder().decode(driver.print(new PrintOptions()).getContent());
    assertThat(new String(pdf, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
    Files.write(Path.of("target", "notice-U07.pdf"), pdf);

    driver.get(href + "?lang=en");
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Integrity Warning Notice");
    assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("Tender bypassed")
        .contains("Tender every purchase above the threshold openly");
  }

  @Test
  @Order(7)
  void chineseFirstEnglishOnRequest() {
    signIn(TestAccounts.OPERATOR.username());
    assertThat(driver.manage().getCookieNamed("probity_lang")).as("no choice made yet").isNull();
    assertThat(driver.findElement(By.cssSelector(".top h1")).getText()).isEqualTo("廉情气象站");
    driver.findElement(By.id("lang-toggle")).click();
    until("English", d -> d.findElement(By.cssSelector(".top h1")).getText().equals("Integrity Weather Station"));
    assertThat(row(County.TENDER.getAlertId()).getText()).contains("Tender bypassed").contains("Red card")
        .as("the alert's message stays as the job wrote it").contains("未公开招标");
    assertThat(tile("U07").getText()).contains("score").contains("Warning notice");
    driver.navigate().refresh();
    openBoard();
    assertThat(driver.findElement(By.cssSelector(".top h1")).getText()).as("the choice is remembered")
        .isEqualTo("Integrity Weather Station");
    driver.get(tile("U07").findElement(By.cssSelector(".t-notice")).getAttribute("href").replace("?lang=en", ""));
    assertThat(driver.findElement(By.tagName("h1")).getText()).as("the notice follows the same switch")
        .isEqualTo("Integrity Warning Notice");
    driver.get(console.url());
    openBoard();
    driver.findElement(By.id("lang-toggle")).click();
    until("Chinese again", d -> d.findElement(By.cssSelector(".top h1")).getText().equals("廉情气象站"));
  }

  @Test
  @Order(8)
  void theSignInPageHasTheSameLanguageSwitch() {
    driver.manage().deleteAllCookies();
    driver.get(console.url() + "login");
    assertThat(driver.findElement(By.tagName("h1")).getText()).as("Chinese first").isEqualTo("廉情气象站");
    assertThat(driver.findElement(By.id("sign-in")).getText()).isEqualTo("登录");
    assertThat(driver.findElement(By.cssSelector("label[for=username]")).getText()).isEqualTo("用户名");

    driver.findElement(By.id("lang-toggle")).click();
    until("the sign-in page in English", d -> d.findElement(By.tagName("h1")).getText()
        .equals("Integrity Weather Station"));
    assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
    assertThat(driver.findElement(By.id("sign-in")).getText()).isEqualTo("Sign in");
    assertThat(driver.findElement(By.cssSelector("label[for=password]")).getText()).isEqualTo("Password");
    assertThat(driver.findElement(By.id("lang-toggle")).getText()).isEqualTo("中文");

    driver.findElement(By.id("username")).sendKeys(TestAccounts.OPERATOR.username());
    driver.findElement(By.id("password")).sendKeys("wrong password");
    driver.findElement(By.id("sign-in")).click();
    assertThat(until("the refusal", d -> d.findElement(By.id("login-error"))).getText())
        .as("a refusal in the language chosen").isEqualTo("Wrong username or password.");

    driver.findElement(By.id("username")).sendKeys(TestAccounts.OPERATOR.username());
    driver.findElement(By.id("password")).sendKeys(TestAccounts.PASSWORD);
    driver.findElement(By.id("sign-in")).click();
    openBoard();
    assertThat(driver.findElement(By.cssSelector(".top h1")).getText()).as("the console starts in the same language")
        .isEqualTo("Integrity Weather Station");

    driver.findElement(By.id("lang-toggle")).click();
    until("Chinese", d -> d.findElement(By.cssSelector(".top h1")).getText().equals("廉情气象站"));
    driver.findElement(By.cssSelector("form.logout button")).click();
    until("the sign-in page", d -> d.getCurrentUrl().equals(console.url() + "login"));
    assertThat(driver.findElement(By.tagName("h1")).getText()).as("the console's switch reaches the sign-in page")
        .isEqualTo("廉情气象站");
  }

  @Test
  @Order(9)
  void anOverdueCasesLadderIsOneRowThatChanges() {
    signIn(TestAccounts.OPERATOR.username());
    driver.findElement(By.id("f-all")).click();
    new Select(driver.findElement(By.id("f-sort"))).selectByValue("CHANGED");
    js("window.samePage = true");
    String caseId = "XK2026-1130";
    List<Alert> ladder = List.of(
        County.overdue("U05", caseId, Severity.NOTICE, AlertStatus.RAISED, County.day(4, 0), "办件" + caseId + "明日到期"),
        County.overdue("U05", caseId, Severity.YELLOW, AlertStatus.ESCALATED, County.day(5, 0), "办件" + caseId + "超期，亮黄牌"),
        County.overdue("U05", caseId, Severity.RED, AlertStatus.ESCALATED, County.day(12, 0), "办件" + caseId + "超期5个工作日，亮红牌"),
        County.overdue("U05", caseId, Severity.RED, AlertStatus.RESOLVED, County.day(12, 10), "办件" + caseId + "已办结"));
    String id = ladder.get(0).getAlertId();
    List<String> lit = new ArrayList<>();
    WebElement theRow = null;
    for (Alert step : ladder) {
      county.alert(step);
      county.flush();
      until(step.getSeverity() + "/" + step.getStatus() + " in the feed", d -> row(id) != null
          && step.getStatus().name().equals(row(id).getAttribute("data-status"))
          && step.getSeverity().name().equals(row(id).getAttribute("data-severity")));
      assertThat(driver.findElements(By.cssSelector("tr[data-alert-id='" + id + "']"))).as("one row").hasSize(1);
      if (theRow == null) {
        theRow = row(id);
      }
      assertThat(row(id)).as("the same row element, changed in place").isEqualTo(theRow);
      assertThat(row(id).getText()).contains("县人力资源和社会保障局").contains(step.getMessage());
      lit.clear();
      row(id).findElements(By.cssSelector(".ladder span.on")).forEach(s -> lit.add(s.getAttribute("data-step")));
      List<String> expected = switch (step.getSeverity()) {
        case NOTICE -> List.of("NOTICE");
        case YELLOW -> List.of("NOTICE", "YELLOW");
        case RED -> step.getStatus() == AlertStatus.RESOLVED ? List.of("NOTICE", "YELLOW", "RED", "RESOLVED")
            : List.of("NOTICE", "YELLOW", "RED");
      };
      assertThat(lit).isEqualTo(expected);
      assertThat(rows().get(0).getAttribute("data-alert-id")).as("the latest change on top").isEqualTo(id);
    }
    assertThat(js("return window.samePage")).as("no page reload").isEqualTo(true);
  }

  /**
   * The console's side of a unit turning red: the generator's events and its ground-truth alerts,
   * and the status the index job would write, are put on the topics here, and the tile changes on
   * the open page. The same with the real pipeline writing the alerts and the status is deploy's
   * {@code PipelineBrowserTest}.
   */
  @Test
  @Order(10)
  void theBoardTurnsAUnitRedLiveWhenItsStatusArrives() throws Exception {
    signIn(TestAccounts.OPERATOR.username());
    assertThat(tile("U12").getAttribute("data-colour")).isEqualTo("GREEN");
    js("window.samePage = true");

    // What the jobs would write for the generator's week: its ground truth, and U12 (县市场监督管理局) red.
    ProbityConfig rules = RulesFile.defaults();
    TrafficGenerator generator = new TrafficGenerator(rules, GeneratorSettings.DEFAULTS
        .withStart(LocalDate.of(2026, 11, 2)).withDays(7).withScale(1).withViolationRate(1.0));
    KafkaTraffic.produce(generator, topics, 0, e -> { });
    List<Alert> u12 = generator.groundTruth().stream().filter(a -> a.getUnitId().equals("U12")).toList();
    assertThat(u12).as("a week of violations in U12: enough red cards to pass the red line").hasSizeGreaterThan(2);
    u12.forEach(county::alert);
    county.status("U12", 5.0 * u12.size(), Colour.RED, Grade.C, u12.size(), County.day(5, 9));
    county.flush();

    until("U12 turns red", d -> "RED".equals(tile("U12").getAttribute("data-colour")));
    // The tile's open count is the console's own (not resolved by the rule, not rectified), as the feed's.
    long open = u12.stream().map(Alert::getAlertId).distinct().filter(id -> u12.stream()
        .noneMatch(a -> a.getAlertId().equals(id) && a.getStatus() == AlertStatus.RESOLVED)).count();
    until("U12's open count", d -> tile("U12").findElement(By.cssSelector(".t-open")).getText().equals(String.valueOf(open)));
    assertThat(tile("U12").getText()).contains("县市场监督管理局").contains("红");
    assertThat(driver.findElement(By.id("count-RED")).getText()).isEqualTo("3");
    assertThat(js("return window.samePage")).as("no page reload").isEqualTo(true);

    driver.findElement(By.id("f-all")).click();
    tile("U12").click();
    until("U12's alerts in the feed", d -> u12.stream().allMatch(a -> row(a.getAlertId()) != null));
    openDetail(u12.get(0).getAlertId());
    assertThat(driver.findElements(By.cssSelector("#d-evidence .evidence:not(.missing)")))
        .as("the generator's events are the evidence").hasSize(u12.get(0).getEvidence().size());
  }
}
