package org.probity.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code rules publish|list|export} and {@code backtest}: every bad option one line naming it, exit
 * code 2, found before Kafka is asked or a job starts (the broker here does not exist).
 */
class RulesCommandLineTest {
  private static final String NOWHERE = "127.0.0.1:1";

  @TempDir
  Path dir;

  private record Run(int code, String err, String out) {}

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ProbityJob.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
  }

  private void assertOneLine(Run r, String line) {
    assertThat(r.code()).as(r.err()).isEqualTo(Cli.USAGE_ERROR);
    assertThat(r.err().lines().toList()).as(r.err()).hasSize(1);
    assertThat(r.err().strip()).startsWith(line);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private String tomorrow() {
    return Instant.now().plus(1, ChronoUnit.DAYS).toString().replace("Z", "+00:00");
  }

  private Path rulesFile(String text) throws Exception {
    return Files.writeString(dir.resolve("new.yaml"), text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "rules|Usage: probity rules",
      "rules frobnicate|probity rules: unknown command 'frobnicate'; the commands are export, list, publish",
      "rules list|probity rules list: Missing required option: '--bootstrap-servers=HOST:PORT'",
      "rules export --bootstrap-servers " + NOWHERE + "|probity rules export: Missing required option: '--out=FILE'",
      "rules publish /nonexistent.yaml --effective-from 2099-01-01T00:00:00+08:00 --comment x --bootstrap-servers "
          + NOWHERE + "|probity rules publish: Invalid value for option 'FILE': no such file, got '/nonexistent.yaml'",
      "backtest --events /nonexistent.jsonl --rules a.yaml --against b.yaml"
          + "|probity backtest: Invalid value for option '--events': no such file, got '/nonexistent.jsonl'",
  })
  void badArgumentsAreOneLine(String args, String firstLine) {
    Run r = run(args.split(" "));
    assertThat(r.code()).isEqualTo(Cli.USAGE_ERROR);
    assertThat(r.err().lines().findFirst()).hasValueSatisfying(l -> assertThat(l).startsWith(firstLine));
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void anEffectiveFromThatIsNotATimeIsOneLine() throws Exception {
    Path file = rulesFile("parameters: {}\n");
    assertOneLine(run("rules", "publish", file.toString(), "--effective-from", "tomorrow", "--comment", "x",
        "--bootstrap-servers", NOWHERE), "probity rules publish: Invalid value for option '--effective-from': "
        + "'tomorrow' is not an ISO-8601 time with an offset, e.g. 2025-11-01T00:00:00+08:00");
  }

  @Test
  void anEffectiveFromInThePastIsRefusedBecauseAVersionAppliesOnlyForward() throws Exception {
    Path file = rulesFile("parameters: {}\n");
    assertOneLine(run("rules", "publish", file.toString(), "--effective-from", "2025-09-01T00:00:00+08:00",
        "--comment", "x", "--bootstrap-servers", NOWHERE), "probity rules publish: Invalid value for option "
        + "'--effective-from': must not be before now (a version applies only forward, to events from its "
        + "effectiveFrom on), got '2025-08-31T16:00:00Z'");
  }

  @Test
  void anInvalidRulesFileIsOneLineNamingTheField() throws Exception {
    Path file = rulesFile("parameters:\n  approval:\n    noticeWorkingDays: one\n");
    assertOneLine(run("rules", "publish", file.toString(), "--effective-from", tomorrow(), "--comment", "x",
        "--author", "tester", "--bootstrap-servers", NOWHERE, "--dry-run"), "probity: new.yaml: parameters.approval.noticeWorkingDays: "
        + "must be a whole number from 0 to 365, got \"one\"");
  }

  @Test
  void aBlankCommentIsOneLine() throws Exception {
    Path file = rulesFile("parameters: {}\n");
    assertOneLine(run("rules", "publish", file.toString(), "--effective-from", tomorrow(), "--comment", " ",
        "--bootstrap-servers", NOWHERE), "probity rules publish: Invalid value for option '--comment': must say why");
  }

  @Test
  void aBadRulesTopicNameIsOneLine() {
    assertOneLine(run("rules", "list", "--bootstrap-servers", NOWHERE, "--rules-topic", "no/slashes"),
        "probity rules list: Invalid value for option '--rules-topic': a Kafka topic name is 1-249 letters");
  }

  @Test
  void aBacktestWithAnInvalidRulesFileOrAnEmptyRangeStartsNothing() throws Exception {
    Path events = Files.writeString(dir.resolve("events.jsonl"), "");
    Path old = Files.writeString(dir.resolve("old.yaml"), "units: []\nparameters:\n  payment:\n"
        + "    largeFundsThresholdFen: lots\n");
    assertOneLine(run("backtest", "--events", events.toString(), "--rules", old.toString(), "--against",
        old.toString()), "probity: old.yaml: parameters.payment.largeFundsThresholdFen:");
    assertOneLine(run("backtest", "--events", events.toString(), "--rules", old.toString(), "--against",
        old.toString(), "--from", "2025-10-01T00:00:00+08:00", "--until", "2025-09-01T00:00:00+08:00"),
        "probity backtest: Invalid value for option '--until': must be after --from");
    assertOneLine(run("backtest", "--events", events.toString(), "--rules", old.toString(), "--against",
        old.toString(), "--out", dir.resolve("missing").toString()),
        "probity backtest: Invalid value for option '--out': no such folder");
  }
}
