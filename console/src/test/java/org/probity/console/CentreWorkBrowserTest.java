package org.probity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
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
import org.probity.console.web.Labels;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ApprovalAction;
import org.probity.schema.Severity;

/**
 * The monitoring centre's work after the alert, in headless Chromium: a unit's 预警告知书 issued,
 * its feedback recorded, one problem accepted and one sent back, a due date passing (the test moves
 * the console's clock) and the red card left open printed on a 监察建议书, with the tile, the feed
 * and the notice showing the same open count at every step; the statistics page's charts against
 * the test's own count of what it put on the topics; the quarterly and yearly reports; the English
 * page without overlapping text; the read-only role refused every write.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CentreWorkBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ZoneId ZONE = County.ZONE;

  @TempDir
  static Path tmp;

  private static EmbeddedKafka kafka;
  private static County county;
  private static ConsoleServer console;
  private static ChromeDriver driver;
  /** The console's clock: now, until a test moves it past a due date. */
  private static final AtomicReference<Instant> NOW = new AtomicReference<>(Instant.now());
  /** The alerts the test put on the topics: alertId → the first state's eventTime and the latest state. */
  private static final Map<String, Alert> FIRST = new LinkedHashMap<>();
  private static final Map<String, Alert> LATEST = new LinkedHashMap<>();

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
    KafkaSettings topics = KafkaSettings.defaults(kafka.bootstrapServers());
    kafka.createTopics(topics, 2);
    county = new County(topics) {
      @Override
      void alert(Alert a) {
        FIRST.putIfAbsent(a.getAlertId(), a);
        LATEST.put(a.getAlertId(), a);
        super.alert(a);
      }
    };
    county.week();
    // Two decided cases of 县人力资源和社会保障局 (建筑工程施工许可, 15 working days promised): one in
    // 2 working days, one in 20 with a yellow card: 按时办结率 50%, 提前办结率 50%, 11 days on average.
    Instant mon = ZonedDateTime.of(2026, 11, 2, 10, 0, 0, 0, ZONE).toInstant();
    county.event(County.approval("EAP-Q1-1", "U05", "XK2026-Q1", "330100-XK-002", ApprovalAction.RECEIVED, "U05-C1",
        "CLERK", mon));
    county.event(County.approval("EAP-Q1-2", "U05", "XK2026-Q1", "330100-XK-002", ApprovalAction.APPROVED, "U05-A1",
        "APPROVER", mon.plus(Duration.ofDays(2))));
    county.event(County.approval("EAP-Q2-1", "U05", "XK2026-Q2", "330100-XK-002", ApprovalAction.RECEIVED, "U05-C1",
        "CLERK", mon));
    county.event(County.approval("EAP-Q2-2", "U05", "XK2026-Q2", "330100-XK-002", ApprovalAction.APPROVED, "U05-A1",
        "APPROVER", mon.plus(Duration.ofDays(28))));
    county.alert(County.overdue("U05", "XK2026-Q2", Severity.YELLOW, AlertStatus.ESCALATED,
        mon.plus(Duration.ofDays(22)), "办件XK2026-Q2超期，亮黄牌", "EAP-Q2-1"));
    county.alert(County.overdue("U05", "XK2026-Q2", Severity.YELLOW, AlertStatus.RESOLVED,
        mon.plus(Duration.ofDays(28)), "办件XK2026-Q2已办结", "EAP-Q2-1"));
    county.flush();
    console = ConsoleServer.start(ConsoleSettings.defaults().withListen("127.0.0.1", 0).withKafka(topics)
        .withStore(ConsoleSettings.h2Url(tmp.resolve("store")), "", "").withAccounts(TestAccounts.ALL)
        .withCentreName("某县纪委监委监察中心"), CLOCK);
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
    return new WebDriverWait(driver, WAIT).withMessage(what).ignoring(StaleElementReferenceException.class)
        .until(condition);
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
    until("the live stream is open", d -> d.findElement(By.id("conn")).getAttribute("class").contains("up"));
    until("the week's alerts in the feed", d -> !d.findElements(By.cssSelector("#feed tr.alert-row")).isEmpty());
  }

  private static void board() {
    driver.get(console.url());
    until("the live stream is open", d -> d.findElement(By.id("conn")).getAttribute("class").contains("up"));
    until("twelve tiles", d -> d.findElements(By.cssSelector(".tile")).size() == 12);
  }

  /** U07's open problems as the tile, the feed (open, any acknowledgement), the draft notice and the rectification view count them. */
  private static void sameOpenCount(String unitId, int open) {
    board();
    until("the tile says " + open, d -> d.findElement(By.cssSelector(".tile[data-unit-id='" + unitId + "'] .t-open"))
        .getText().equals(String.valueOf(open)));
    new Select(driver.findElement(By.id("f-unit"))).selectByValue(unitId);
    new Select(driver.findElement(By.id("f-ack"))).selectByValue("");
    assertThat(new Select(driver.findElement(By.id("f-status"))).getFirstSelectedOption().getAttribute("value"))
        .isEqualTo("OPEN");
    until("the feed lists " + open + " open", d -> d.findElements(By.cssSelector("#feed tr.alert-row")).size() == open
        && d.findElements(By.cssSelector("#feed tr.alert-row")).stream().allMatch(r -> unitId.equals(r.getAttribute("data-unit"))));
    driver.get(console.url() + "notice/" + unitId);
    assertThat(driver.findElement(By.id("open-count")).getText()).as("the notice").isEqualTo(String.valueOf(open));
    assertThat(driver.findElements(By.cssSelector("tr.problem"))).hasSize(open);
    driver.get(console.url() + "rectification/" + unitId);
    assertThat(driver.findElement(By.id("open-count")).getText()).as("the rectification view")
        .isEqualTo(String.valueOf(open));
  }

  private static WebElement item(String alertId) {
    return driver.findElement(By.cssSelector("section[data-kind=WARNING] tr.item[data-alert-id='" + alertId + "']"));
  }

  private static String overdueCase() {
    return County.overdue("U07", County.U07_CASE, Severity.RED, AlertStatus.ESCALATED, County.MONDAY, "").getAlertId();
  }

  private static byte[] printed() {
    byte[] pdf = Base64.getDecoder().decode(driver.print(new PrintOptions()).getContent());
    assertThat(new String(pdf, 0, 5, StandardCharsets.ISO_8859_1)).isEqualTo("%PDF-");
    return pdf;
  }

  // ------------------------------------------------------------------ tests

  @Test
  @Order(1)
  void aNoticeIsIssuedItsProblemsRectifiedToClosureAndARedCardLeftOpenIsRecommendedForSupervision() throws Exception {
    signIn(TestAccounts.OPERATOR.username());
    viewport(1366, 768);
    sameOpenCount("U07", 3);

    // Issue: numbered, dated, kept; each problem due 10 working days later.
    driver.findElement(By.id("issue-notice")).click();
    until("the issued notice", d -> d.getCurrentUrl().contains("/notices/"));
    int year = NOW.get().atZone(ZONE).getYear();
    assertThat(driver.findElement(By.id("notice-number")).getText()).isEqualTo("预警告字〔" + year + "〕第1号");
    assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("以下3项问题").contains("10个工作日内");
    assertThat(driver.findElement(By.id("open-count")).getText()).isEqualTo("3");
    Files.write(Path.of("target", "notice-issued-U07.pdf"), printed());
    sameOpenCount("U07", 3);
    assertThat(driver.findElements(By.id("issue-notice"))).as("nothing left to notify").isEmpty();

    // The tender: the unit's written report, then accepted: closed, one open fewer everywhere.
    String tender = County.TENDER.getAlertId();
    WebElement form = item(tender).findElement(By.cssSelector("form.feedback-form"));
    form.findElement(By.name("submittedBy")).sendKeys("县住建局 周科长");
    form.findElement(By.name("body")).sendKeys("已终止单一来源合同，重新公开招标");
    form.findElement(By.name("attachment")).sendKeys("整改报告-PR-U07-0192.pdf");
    form.findElement(By.cssSelector("button.record-feedback")).click();
    until("the report recorded", d -> "FEEDBACK".equals(item(tender).getAttribute("data-state")));
    assertThat(item(tender).getText()).contains("县住建局 周科长").contains("已终止单一来源合同")
        .contains("整改报告-PR-U07-0192.pdf").contains("待审核");
    item(tender).findElement(By.cssSelector("button.accept")).click();
    until("accepted", d -> "ACCEPTED".equals(item(tender).getAttribute("data-state")));
    assertThat(item(tender).getText()).contains("验收通过").contains("整改验收，已办结");
    sameOpenCount("U07", 2);

    // The split purchase: reported, sent back: still open.
    String split = County.SPLIT.getAlertId();
    form = item(split).findElement(By.cssSelector("form.feedback-form"));
    form.findElement(By.name("submittedBy")).sendKeys("县住建局 周科长");
    form.findElement(By.name("body")).sendKeys("已说明情况");
    form.findElement(By.cssSelector("button.record-feedback")).click();
    until("the report recorded", d -> "FEEDBACK".equals(item(split).getAttribute("data-state")));
    item(split).findElement(By.name("note")).sendKeys("未合并采购需求，请重新整改");
    item(split).findElement(By.cssSelector("button.send-back")).click();
    until("sent back", d -> "RETURNED".equals(item(split).getAttribute("data-state")));
    assertThat(item(split).getText()).contains("退回").contains("未合并采购需求");
    assertThat(item(split).findElements(By.cssSelector("form.feedback-form"))).as("the unit reports again").hasSize(1);
    sameOpenCount("U07", 2);
    Files.write(Path.of("target", "console-rectification.png"), driver.getScreenshotAs(OutputType.BYTES));

    // Past the due date: both open problems escalate; the red card goes on a 监察建议书.
    NOW.set(NOW.get().plus(Duration.ofDays(30)));
    driver.navigate().refresh();
    until("escalated", d -> "true".equals(item(split).getAttribute("data-overdue")));
    assertThat(item(overdueCase()).getAttribute("data-overdue")).isEqualTo("true");
    assertThat(item(split).getText()).contains("逾期").contains("已升级督办");
    assertThat(item(tender).getAttribute("data-overdue")).as("closed in time").isEqualTo("false");
    WebElement supervision = driver.findElement(By.cssSelector("section[data-kind=SUPERVISION]"));
    supervision.findElement(By.cssSelector("a.notice-doc")).click();
    until("the recommendation", d -> d.findElement(By.tagName("h1")).getText().equals("监察建议书"));
    int later = NOW.get().atZone(ZONE).getYear(); // a new year may have begun: numbers run per year
    assertThat(driver.findElement(By.id("notice-number")).getText()).isEqualTo("监察建字〔" + later + "〕第1号");
    assertThat(driver.findElements(By.cssSelector("tr.problem"))).extracting(e -> e.getAttribute("data-alert-id"))
        .as("only the red card").containsExactly(overdueCase());
    assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("预警告字〔" + year + "〕第1号")
        .contains("县住房和城乡建设局").contains("廉政谈话");
    driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
    assertThat(driver.findElement(By.cssSelector(".toolbar")).isDisplayed()).as("no buttons on paper").isFalse();
    driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
    Files.write(Path.of("target", "supervision-U07.pdf"), printed());
    sameOpenCount("U07", 2);

    // Every operator action, and the console's own, in the trail.
    driver.get(console.url() + "audit");
    assertThat(driver.findElements(By.cssSelector("tr.audit-entry"))).extracting(e -> e.getAttribute("data-action"))
        .containsExactly("ISSUE_SUPERVISION", "ESCALATE", "ESCALATE", "RETURN_RECTIFICATION", "RECORD_FEEDBACK",
            "ACCEPT_RECTIFICATION", "RECORD_FEEDBACK", "ISSUE_NOTICE");
    assertThat(driver.findElement(By.cssSelector("tr.audit-entry[data-action=ISSUE_NOTICE]")).getText())
        .contains("张敏").contains("zhangmin");
  }

  @Test
  @Order(2)
  void theStatisticsChartsDrawTheStoresNumbers() throws Exception {
    signIn(TestAccounts.OPERATOR.username());
    viewport(1920, 1080);
    // From before the fixture's weeks to the console's today (the notice was issued then).
    java.time.LocalDate today = NOW.get().atZone(ZONE).toLocalDate();
    driver.get(console.url() + "stats?from=2026-10-01&to=" + today);
    until("the charts drawn", d -> ("2026-10-01/" + today + "/").equals(d.findElement(By.tagName("body"))
        .getAttribute("data-drawn")));

    // The test's own count of what it put on the topics: alerts per rule by their first state's time.
    Labels labels = Labels.load();
    Instant from = ZonedDateTime.of(2026, 10, 1, 0, 0, 0, 0, ZONE).toInstant();
    Instant to = today.plusDays(1).atStartOfDay(ZONE).toInstant();
    Map<String, Long> perRule = new HashMap<>();
    long yellowOrWorse = 0;
    long red = 0;
    for (Alert first : FIRST.values()) {
      if (!first.getEventTime().isBefore(from) && first.getEventTime().isBefore(to)) {
        perRule.merge(labels.ruleName(first.getRuleId(), false), 1L, Long::sum);
        Severity latest = LATEST.get(first.getAlertId()).getSeverity();
        yellowOrWorse += latest == Severity.NOTICE ? 0 : 1;
        red += latest == Severity.RED ? 1 : 0;
      }
    }
    assertThat(seriesTotals("alerts-by-rule")).isEqualTo(perRule);
    assertThat(seriesTotals("alerts-by-unit").values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(perRule.values().stream().mapToLong(Long::longValue).sum());
    @SuppressWarnings("unchecked")
    List<Number> funnel = (List<Number>) js("return echarts.getInstanceByDom(document.getElementById('chart-funnel'))"
        + ".getOption().series[0].data.map(d => d.value)");
    assertThat(funnel).extracting(Number::longValue).containsExactly(
        perRule.values().stream().mapToLong(Long::longValue).sum(), yellowOrWorse, red, 1L);
    @SuppressWarnings("unchecked")
    List<List<Object>> scores = (List<List<Object>>) js("return echarts.getInstanceByDom(document.getElementById("
        + "'chart-scores')).getOption().series.filter(s => s.name === '县住房和城乡建设局').map(s => s.data[0])");
    assertThat(scores).singleElement().satisfies(p -> assertThat(((Number) p.get(1)).doubleValue()).isEqualTo(22.0));
    @SuppressWarnings("unchecked")
    List<Object> approvals = (List<Object>) js("return window.statsTables['approval-performance'].rows"
        + ".find(r => r[0] === '县人力资源和社会保障局')");
    assertThat(approvals).extracting(v -> v instanceof Number n ? (Object) n.doubleValue() : v).containsExactly(
        "县人力资源和社会保障局", "建筑工程施工许可", 2.0, 1.0, 50.0, 1.0, 50.0, 11.0);
    @SuppressWarnings("unchecked")
    List<Number> onTime = (List<Number>) js("return echarts.getInstanceByDom(document.getElementById("
        + "'chart-approval-performance')).getOption().series[0].data");
    assertThat(onTime).extracting(Number::doubleValue).contains(50.0);
    @SuppressWarnings("unchecked")
    List<Object> rect = (List<Object>) js("return window.statsTables['rectification'].rows.find(r => r[0] === '县住房和城乡建设局')");
    assertThat(rect).extracting(String::valueOf).containsExactly("县住房和城乡建设局", "1", "0", "2", "0");

    // The chart's numbers as a file: the same rows.
    String csv = (String) ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[0];"
        + " fetch(document.getElementById('csv-alerts-by-rule').href).then(r => r.text()).then(done)");
    List<String> lines = csv.lines().toList();
    assertThat(lines.get(0)).as("fetch's text() drops the BOM spreadsheets need").startsWith("时间,");
    assertThat(lines).as("a row per month").hasSize(1 + (int) java.time.temporal.ChronoUnit.MONTHS.between(
        java.time.YearMonth.of(2026, 10), java.time.YearMonth.from(today)) + 1);
    String[] header = lines.get(0).split(",");
    Map<String, Long> fromCsv = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      for (int i = 1; i < cells.length; i++) {
        fromCsv.merge(header[i], Long.parseLong(cells[i]), Long::sum);
      }
    }
    assertThat(fromCsv).isEqualTo(perRule);
    Files.write(Path.of("target", "console-statistics.png"), driver.getScreenshotAs(OutputType.BYTES));

    // A unit's filter narrows every chart.
    new Select(driver.findElement(By.id("s-unit"))).selectByValue("U07");
    driver.findElement(By.id("s-apply")).click();
    until("U07's charts", d -> d.findElement(By.tagName("body")).getAttribute("data-drawn").endsWith("/U07"));
    assertThat(seriesTotals("alerts-by-unit")).containsOnlyKeys("县住房和城乡建设局");
  }

  private static Map<String, Long> seriesTotals(String chart) {
    @SuppressWarnings("unchecked")
    Map<String, Number> totals = (Map<String, Number>) js("const o = echarts.getInstanceByDom(document.getElementById("
        + "'chart-" + chart + "')).getOption(); const out = {}; for (const s of o.series) out[s.name] ="
        + " s.data.reduce((a, b) => a + b, 0); return out;");
    Map<String, Long> out = new HashMap<>();
    totals.forEach((k, v) -> out.put(k, v.longValue()));
    return out;
  }

  @Test
  @Order(3)
  void theQuarterlyGradeReportAndTheYearlyRecommendationPrintForAnyPastPeriod() throws Exception {
    signIn(TestAccounts.OPERATOR.username());
    driver.get(console.url() + "reports/quarter?year=2026&quarter=4");
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("廉情等级评定通报");
    List<WebElement> lines = driver.findElements(By.cssSelector("tr.grade-line"));
    assertThat(lines).hasSize(12);
    WebElement u07 = driver.findElement(By.cssSelector("tr.grade-line[data-unit-id=U07]"));
    assertThat(u07.getAttribute("data-grade")).isEqualTo("C");
    assertThat(u07.getText()).contains("县住房和城乡建设局").contains("22.0").contains("应招未招");
    assertThat(driver.findElement(By.cssSelector("tr.grade-line[data-unit-id=U05]")).getAttribute("data-grade"))
        .isEqualTo("A");
    Files.write(Path.of("target", "grades-2026Q4.pdf"), printed());
    String csv = (String) ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[0];"
        + " fetch('/reports/quarter?year=2026&quarter=4&format=csv').then(r => r.text()).then(done)");
    assertThat(csv.lines().filter(l -> l.startsWith("U07,"))).singleElement().asString().contains(",C,22.0,");

    driver.get(console.url() + "reports/quarter?year=2026&quarter=3");
    assertThat(driver.findElements(By.cssSelector("tr.grade-line"))).as("a quarter before any index: no grades")
        .hasSize(12).allMatch(l -> l.getAttribute("data-grade").isEmpty());

    driver.get(console.url() + "reports/yearly/U07?year=2026");
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("廉情预警建议书");
    assertThat(driver.findElement(By.cssSelector(".notice")).getAttribute("data-grade")).isEqualTo("C");
    assertThat(driver.findElement(By.cssSelector(".notice")).getText()).contains("C级").contains("签发预警告知书1份")
        .contains("整改验收1项").contains("廉政谈话");
    Files.write(Path.of("target", "yearly-U07-2026.pdf"), printed());
  }

  @Test
  @Order(4)
  void englishHasNoOverlappingTextAt1366x768Or1920x1080AndStaysLive() {
    signIn(TestAccounts.OPERATOR.username());
    for (int[] size : List.of(new int[] {1366, 768}, new int[] {1920, 1080})) {
      viewport(size[0], size[1]);
      board();
      if (!driver.findElement(By.cssSelector(".top h1")).getText().equals("Integrity Weather Station")) {
        driver.findElement(By.id("lang-toggle")).click();
      }
      until("English", d -> d.findElement(By.cssSelector(".top h1")).getText().equals("Integrity Weather Station"));
      assertThat(driver.findElement(By.id("conn")).getText()).as("still live after the switch").isEqualTo("Live");
      assertThat(overlaps(".top")).as("header at " + size[0]).isEmpty();
      assertThat(overlaps("#board")).as("tiles at " + size[0]).isEmpty();
      assertThat(overlaps(".feed-head")).as("feed head at " + size[0]).isEmpty();
      assertThat(((Number) js("const h = document.querySelector('.top h1'); return h.getClientRects().length === 1"
          + " && h.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(h).fontSize) ? 1 : 0")).intValue())
          .as("the title on one line").isEqualTo(1);
      assertThat((Boolean) js("return document.documentElement.scrollWidth <= innerWidth")).isTrue();
      driver.get(console.url() + "notice/U04");
      assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Integrity Warning Notice");
      assertThat(overlaps(".notice")).as("the notice at " + size[0]).isEmpty();
    }
    viewport(1366, 768);
    board();
    driver.findElement(By.id("lang-toggle")).click();
    until("Chinese", d -> d.findElement(By.cssSelector(".top h1")).getText().equals("廉情气象站"));
    assertThat(driver.findElement(By.id("conn")).getText()).isEqualTo("实时");
  }

  /** Pairs of text boxes (each text node's own rectangles) inside {@code root} that intersect. */
  @SuppressWarnings("unchecked")
  private static List<String> overlaps(String root) {
    return (List<String>) js("const root = document.querySelector(arguments[0]); const boxes = [];"
        + " const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);"
        + " for (let n = walker.nextNode(); n; n = walker.nextNode()) { if (!n.textContent.trim()) continue;"
        + "   const p = n.parentElement; if (p.closest('[hidden], details:not([open]) > :not(summary), option, select')) continue;"
        + "   const r = document.createRange(); r.selectNodeContents(n);"
        // The glyphs' em box, not the font's taller content area (CJK fonts' ascent and descent reach into the next line).
        + "   const size = parseFloat(getComputedStyle(p).fontSize);"
        + "   for (const q of r.getClientRects()) if (q.width > 0 && q.height > 0) { const top = q.top + Math.max(0, (q.height - size) / 2);"
        + "     boxes.push({ b: { left: q.left, right: q.right, top, bottom: top + Math.min(size, q.height) }, t: n.textContent.trim().slice(0, 30), n }); } }"
        + " const out = [];"
        + " for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {"
        + "   const a = boxes[i], c = boxes[j]; if (a.n === c.n) continue;"
        + "   const w = Math.min(a.b.right, c.b.right) - Math.max(a.b.left, c.b.left);"
        + "   const h = Math.min(a.b.bottom, c.b.bottom) - Math.max(a.b.top, c.b.top);"
        + "   if (w > 1 && h > 1) out.push(a.t + ' × ' + c.t); }"
        + " return out;", root);
  }

  @Test
  @Order(5)
  void theLegendExplainsScoreColourAndGradeAndThereIsAFavicon() {
    signIn(TestAccounts.OPERATOR.username());
    driver.findElement(By.cssSelector(".legend-help summary")).click();
    String legend = until("the legend", d -> d.findElement(By.id("legend-text")).getText());
    assertThat(legend).contains("近90天").contains("≥4").contains("≥15").contains("本季度").contains("整改验收");
    assertThat(driver.findElement(By.cssSelector("link[rel=icon]")).getAttribute("href")).endsWith("/static/favicon.svg");
    String type = (String) ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[0];"
        + " fetch('/favicon.ico').then(r => done(r.status + ' ' + r.headers.get('content-type')))");
    assertThat(type).isEqualTo("200 image/svg+xml");
  }

  @Test
  @Order(6)
  void theReadOnlyRoleIsRefusedEveryWrite() {
    signIn(TestAccounts.READER.username());
    driver.get(console.url() + "rectification/U07");
    assertThat(driver.findElements(By.cssSelector("form"))).as("no forms to act with").isEmpty();
    String split = County.SPLIT.getAlertId();
    String noticeId = driver.findElement(By.cssSelector("section[data-kind=WARNING]")).getAttribute("data-notice-id");
    Map<String, String> writes = new LinkedHashMap<>();
    writes.put("/rectification/U04/issue", "");
    writes.put("/rectification/" + noticeId + "/" + split + "/feedback", "submittedBy=x&body=y");
    writes.put("/rectification/" + noticeId + "/" + split + "/decide", "decision=accept");
    writes.put("/api/alerts/" + County.FEE.getAlertId() + "/ack", "{}");
    for (Map.Entry<String, String> w : writes.entrySet()) {
      Object status = ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[2];"
          + " fetch(arguments[0], {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded',"
          + " 'X-Probity-Request': '1'}, body: arguments[1], redirect: 'manual'}).then(r => done(r.status))",
          w.getKey(), w.getValue());
      assertThat(((Number) status).intValue()).as(w.getKey()).isEqualTo(403);
    }
    driver.get(console.url() + "rectification/U07");
    assertThat(driver.findElement(By.cssSelector("section[data-kind=WARNING] tr.item[data-alert-id='" + split + "']"))
        .getAttribute("data-state")).as("nothing changed").isEqualTo("RETURNED");
    driver.get(console.url() + "audit");
    assertThat(driver.findElements(By.cssSelector("tr.audit-entry"))).hasSize(8);
  }
}
