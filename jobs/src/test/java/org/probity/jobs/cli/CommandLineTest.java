package org.probity.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad argument is one line naming it and exit code 2, never a stack trace. */
class CommandLineTest {
  @TempDir
  Path dir;

  private record Run(int code, String err, String out) {}

  private Run run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ProbityJob.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "frobnicate|probity: unknown command 'frobnicate'; the commands are backtest, generate, replay, rules, run, stop, topics",
      "replay --alerts out.jsonl|probity replay: Missing required option: '--events=FILE' (see probity replay --help)",
      "replay --events /nonexistent.jsonl --alerts out.jsonl|probity replay: Invalid value for option '--events': no such file, got '/nonexistent.jsonl'",
      "run --bootstrap-servers k:9092 --bogus 1|probity run: Unknown options: '--bogus', '1'",
      "run|probity run: Missing required option: '--bootstrap-servers=HOST:PORT'",
      "run --bootstrap-servers k:9092 --delivery twice|probity run: Invalid value for option '--delivery': must be one of exactly-once, at-least-once, got 'twice'",
      "run --bootstrap-servers k:9092 --checkpoint-interval soon|probity run: Invalid value for option '--checkpoint-interval': 'soon' is not a duration such as 500ms, 30s, 2m, 1h, 7d",
      "run --bootstrap-servers k:9092 --checkpoint-interval 20m|probity: run: --transaction-timeout: must be longer than --checkpoint-interval",
      "run --bootstrap-servers k:9092 --parallelism -3|probity run: Invalid value for option '--parallelism': must be from 0 to 4096, got '-3'",
      "run --bootstrap-servers k:9092 --out-of-orderness -2m|probity run: Invalid value for option '--out-of-orderness': must be from 0s to 30d, got 'PT-2M'",
      "run --bootstrap-servers k:9092 --idleness 0s|probity run: Invalid value for option '--idleness': must be from 1ms to 30d, got 'PT0S'",
      "run --bootstrap-servers k:9092 --checkpoint-dir checkpoints|probity run: Invalid value for option '--checkpoint-dir': must be an absolute path or URI such as file:///var/lib/probity/checkpoints, got 'checkpoints'",
      "run --bootstrap-servers k:9092 --checkpoint-dir file:checkpoints|probity run: Invalid value for option '--checkpoint-dir': must be an absolute path or URI",
      "run --bootstrap-servers k:9092 --transaction-timeout 99999999999999d|probity run: Invalid value for option '--transaction-timeout': '99999999999999d' is not a duration such as 500ms, 30s, 2m, 1h, 7d (too large)",
      "run --bootstrap-servers k:9092 --transaction-timeout 30d|probity run: Invalid value for option '--transaction-timeout': must be from 1ms to 24d (Kafka's limit), got 'PT720H'",
      "run --bootstrap-servers k:9092 --max-ahead 0s|probity run: Invalid value for option '--max-ahead': must be from 1ms to 3650d, got 'PT0S'",
      "run --bootstrap-servers k:9092 --job-name ../x|probity run: Invalid value for option '--job-name': must be 1-100 letters, digits",
      "run --bootstrap-servers k:9092 --topic bogus=x|probity run: Invalid value for option '--topic': must be one of approvals, payments, procurement, decisions, alerts, unit-status, deadletter, rules, got 'bogus'",
      "run --bootstrap-servers k:9092 --from-savepoint /nowhere --from-checkpoint /nowhere2|probity: run: --from-savepoint and --from-checkpoint: give one or the other",
      "run --bootstrap-servers k:9092 --from-savepoint /nowhere|probity: run: --from-savepoint: no _metadata at 'file:///nowhere'",
      "generate|probity: generate: give exactly one of --out or --bootstrap-servers",
      "generate --out x.jsonl --days many|probity generate: Invalid value for option '--days': 'many' is not an int",
      "generate --out x.jsonl --violation-rate 2|probity generate: Invalid value for option '--violation-rate': must be from 0.0 to 1.0, got '2.0'",
      "generate --out x.jsonl --start yesterday|probity generate: Invalid value for option '--start': 'yesterday' is not a date such as 2025-09-01",
      "stop|probity stop: Missing required option: '--rest-address=HOST:PORT'",
  })
  void badArgumentsAreOneLine(String args, String firstLine) throws Exception {
    Run r = run(args.split(" "));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().findFirst()).hasValueSatisfying(l -> assertThat(l).startsWith(firstLine));
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aFolderIsNoAlertsFile() throws Exception {
    Path events = dir.resolve("e.jsonl");
    Files.writeString(events, "");
    Run r = run("replay", "--events", events.toString(), "--alerts", dir.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo("probity replay: Invalid value for option '--alerts': is a folder; name a "
        + "file to write, got '" + dir + "' (see probity replay --help)");
  }

  @Test
  void aBadRulesFileIsOneLine() throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, "parameters:\n  payment:\n    largeFundsThresholdFen: lots\n");
    Run r = run("generate", "--out", dir.resolve("e.jsonl").toString(), "--rules", rules.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo(
        "probity: rules.yaml: parameters.payment.largeFundsThresholdFen: must be a whole number of fen ≥ 0, got \"lots\"");
  }

  @Test
  void everyCommandHasHelp() throws Exception {
    for (String command : new String[] {"run", "replay", "generate", "stop"}) {
      Run r = run(command, "--help");
      assertThat(r.code()).isZero();
      assertThat(r.out()).startsWith("Usage: probity " + command);
    }
    assertThat(run("--help").out()).contains("replay").contains("generate").contains("run").contains("stop");
    Run none = run();
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("replay").contains("generate");
  }

  @Test
  void generateWritesEventsAndGroundTruthWithASummary() throws Exception {
    Path events = dir.resolve("e.jsonl");
    Path truth = dir.resolve("t.jsonl");
    Run r = run("generate", "--out", events.toString(), "--truth", truth.toString(), "--days", "7");
    assertThat(r.code()).isZero();
    assertThat(Files.readAllLines(events)).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("{\"stream\":"));
    assertThat(r.err()).containsPattern("generate: \\d+ events \\{APPROVAL=\\d+");
    assertThat(Files.exists(truth)).isTrue();
  }
}
