package org.probity.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.jobs.versions.RulesTopic;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.SignerRole;
import org.probity.schema.SubjectType;

/**
 * A rule owner's change reaching the running monitor, nothing faked: the demo's stack (a KRaft
 * broker, the job on a Flink MiniCluster, the console) and headless Chromium. The owner lowers the
 * 三重一大 threshold in the console's editor, sees the backtest find a ¥50,000 payment the old
 * threshold let pass, publishes the version a minute ahead; the job takes it while it runs, the
 * earlier payment stays unjudged as large, and the next one is an alert of version 2 in the feed.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RuleOwnerBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  private static final long AMOUNT = 5_000_000L; // ¥50,000: below the shipped ¥100,000, above the owner's ¥20,000

  @Test
  void aPublishedThresholdJudgesTheNextPaymentsAndTheirAlertsSayVersion2(@TempDir Path tmp) throws Exception {
    try (DemoStack stack = DemoStack.start(tmp.resolve("demo"), RulesFile.defaults(), Duration.ofMillis(500),
        Duration.ofSeconds(1), new PrintStream(OutputStream.nullOutputStream()));
        ConsolePage page = new ConsolePage(tmp.resolve("chromium"), stack.console.url())) {
      Await.until("version 1 on the rules topic", WAIT, () -> !RulesTopic.readAll(stack.topics.client(),
          RulesTopic.DEFAULT, Duration.ofSeconds(10)).isEmpty());
      Instant now = Instant.now();
      KafkaTraffic.produce(voucher("PZ-E2E-0001", now.minus(Duration.ofHours(2))), stack.topics, 0, e -> { });

      page.signIn("owner", stack.password);
      page.driver.findElement(By.id("nav-rules")).click();
      page.until(WAIT, "the rules page", d -> d.findElement(By.id("in-force")).getText().equals("v1"));
      WebElement threshold = page.driver.findElement(
          By.cssSelector("#param-form input[name='parameters.payment.largeFundsThresholdFen']"));
      threshold.clear();
      threshold.sendKeys("2000000");
      page.until(WAIT, "the draft checked", d -> "ok".equals(d.findElement(By.id("check")).getAttribute("data-state"))
          && d.findElements(By.cssSelector("#check-changes li")).size() == 1);

      page.until(WAIT, "the console has stored the payment", d -> {
        d.findElement(By.id("run-backtest")).click();
        page.until(WAIT, "the backtest done",
            x -> "done".equals(x.findElement(By.id("backtest")).getAttribute("data-state")));
        return !d.findElements(By.cssSelector(
            "#backtest-rows tr.backtest-row[data-rule='PAYMENT_LARGE_WITHOUT_DECISION'][data-unit='U01']")).isEmpty();
      });
      assertThat(page.driver.findElements(By.cssSelector("#backtest-examples tr.backtest-example[data-kind='ONLY_AGAINST']")))
          .anyMatch(e -> e.getText().contains("PZ-E2E-0001"));

      // Effective a couple of minutes ahead (the form takes minutes, in the rules' zone).
      Instant from = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(2));
      page.driver.executeScript("const e = document.getElementById('effective-from'); e.value = arguments[0];"
          + " e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true}));",
          DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").format(from.atZone(ZONE)));
      page.driver.findElement(By.id("comment")).sendKeys("县纪委〔2026〕15号：大额资金标准下调至2万元");
      page.until(WAIT, "the draft checked again with its time", d -> "ok".equals(d.findElement(By.id("check"))
          .getAttribute("data-state")) && d.findElement(By.id("publish")).isEnabled());
      page.driver.findElement(By.id("publish")).click();
      page.until(WAIT, "version 2 in the history", d -> {
        List<WebElement> refused = d.findElements(By.cssSelector("#publish-result[data-state='error']"));
        assertThat(refused).as("the publication refused").isEmpty();
        return !d.findElements(By.cssSelector("#versions tr[data-version='2']")).isEmpty();
      });

      // The next payment, dated after the version's instant (and one more event behind it, so the
      // partition's clock passes it).
      List<SpecificRecordBase> next = new ArrayList<>(voucher("PZ-E2E-0002", from.plus(Duration.ofMinutes(1))));
      next.add(submitted("PZ-E2E-0002", from.plus(Duration.ofMinutes(10)), "EP-E2E-0002-9"));
      KafkaTraffic.produce(next, stack.topics, 0, e -> { });

      String byVersion2 = Alerts.alertId(RuleId.PAYMENT_LARGE_WITHOUT_DECISION, "NO_DECISION_REF", "U01",
          SubjectType.VOUCHER, "PZ-E2E-0002", null);
      page.driver.get(stack.console.url());
      page.until(WAIT, "the payment after the change in the feed", d -> page.row(byVersion2) != null);
      assertThat(page.row(byVersion2).findElement(By.cssSelector(".rules-version")).getText()).isEqualTo("规则版本 v2");
      assertThat(page.row(Alerts.alertId(RuleId.PAYMENT_LARGE_WITHOUT_DECISION, "NO_DECISION_REF", "U01",
          SubjectType.VOUCHER, "PZ-E2E-0001", null))).as("the payment before the change: judged by version 1").isNull();
    }
  }

  /** A voucher of U01 signed in order and paid, citing no collective decision. */
  private static List<SpecificRecordBase> voucher(String id, Instant at) {
    List<SpecificRecordBase> events = new ArrayList<>();
    events.add(submitted(id, at, "EP-" + id + "-1"));
    SignerRole[] chain = {SignerRole.DEPUTY, SignerRole.DISCIPLINE, SignerRole.PRINCIPAL};
    String[] signers = {"U01-D", "U01-J", "U01-P"};
    for (int i = 0; i < 3; i++) {
      events.add(PaymentEvent.newBuilder().setEventId("EP-" + id + "-" + (i + 2)).setEventTime(at.plusSeconds(60L * (i + 1)))
          .setUnitId("U01").setVoucherId(id).setAction(PaymentAction.SIGNED).setSignerId(signers[i])
          .setSignerRole(chain[i]).build());
    }
    events.add(PaymentEvent.newBuilder().setEventId("EP-" + id + "-5").setEventTime(at.plusSeconds(300))
        .setUnitId("U01").setVoucherId(id).setAction(PaymentAction.PAID).setAmountFen(AMOUNT).setPayeeId("CO-0100")
        .setInvoiceNo("INV-" + id).build());
    return events;
  }

  private static PaymentEvent submitted(String id, Instant at, String eventId) {
    return PaymentEvent.newBuilder().setEventId(eventId).setEventTime(at).setUnitId("U01").setVoucherId(id)
        .setAction(PaymentAction.SUBMITTED).setAmountFen(AMOUNT).setPayeeId("CO-0100").setInvoiceNo("INV-" + id)
        .build();
  }
}
