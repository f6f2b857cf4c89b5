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

  private record Run(int code, String err) {}

  private Run run(String... args) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ProbityJob.execute(args, new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, err.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "frobnicate|probity: unknown command 'frobnicate'",
      "replay --alerts out.jsonl|probity: replay: --events is required (see replay --help)",
      "replay --events /nonexistent.jsonl --alerts out.jsonl|probity: replay: --events: no such file '/nonexistent.jsonl'",
      "replay --event x|probity: replay: unknown option --event (see replay --help)",
      "run|probity: run: --bootstrap-servers is required (see run --help)",
      "run --bootstrap-servers k:9092 --delivery twice|probity: run: --delivery: must be one of exactly-once, at-least-once, got 'twice'",
      "run --bootstrap-servers k:9092 --checkpoint-interval soon|probity: run: --checkpoint-interval: must be a duration such as 500ms, 30s, 2m, 1h, 7d, got 'soon'",
      "run --bootstrap-servers k:9092 --checkpoint-interval 20m|probity: run: --transaction-timeout: must be longer than --checkpoint-interval",
      "run --bootstrap-servers k:9092 --parallelism -3|probity: run: --parallelism: must be from 0 to 4096, got '-3'",
      "generate|probity: generate: give exactly one of --out or --bootstrap-servers",
      "generate --out x.jsonl --days many|probity: generate: --days: must be a whole number, got 'many'",
      "generate --out x.jsonl --violation-rate 2|probity: generate: --violation-rate: must be from 0.0 to 1.0, got '2'",
      "generate --out x.jsonl --start yesterday|probity: generate: --start: must be a date such as 2025-09-01, got 'yesterday'",
  })
  void badArgumentsAreOneLine(String args, String firstLine) throws Exception {
    Run r = run(args.split(" "));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().findFirst()).contains(firstLine);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
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
    for (String command : new String[] {"run", "replay", "generate"}) {
      Run r = run(command, "--help");
      assertThat(r.code()).isZero();
      assertThat(r.err()).startsWith("probity " + command);
    }
    assertThat(run("--help").err()).contains("replay").contains("generate").contains("run");
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
