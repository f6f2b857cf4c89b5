package org.probity.jobs.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.probity.jobs.backtest.Backtest;
import org.probity.jobs.backtest.BacktestReport;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backtest}: what a new rules version would have changed over a history, before it is
 * published: the events judged by both versions in one local Flink job ({@link Backtest}), the
 * differing alerts as a table, and {@code backtest.json} and {@code backtest.csv} for a closer look.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
    description = {"Judges a history of events by two rules files and shows the alerts they differ in:",
        "only under the new rules, only under the old, changed."})
final class BacktestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  private final PrintStream err;

  Path events;

  @Option(names = "--events", required = true, paramLabel = "FILE", description = "events, one JSON object per line")
  void events(Path p) {
    events = Cli.inputFile(spec, "--events", p);
  }

  Path rules;

  @Option(names = "--rules", required = true, paramLabel = "OLD", description = "the rules file in force")
  void rules(Path p) {
    rules = Cli.inputFile(spec, "--rules", p);
  }

  Path against;

  @Option(names = "--against", required = true, paramLabel = "NEW", description = "the rules file to try")
  void against(Path p) {
    against = Cli.inputFile(spec, "--against", p);
  }

  @Option(names = "--from", paramLabel = "TIME",
      description = "only events at or after this event time, e.g. 2025-09-01T00:00:00+08:00 (default: all)")
  Instant from;

  @Option(names = "--until", paramLabel = "TIME",
      description = "only events before this event time; the clock stops there (default: the last event's)")
  Instant until;

  Path out = Path.of("");

  @Option(names = "--out", paramLabel = "DIR", description = "backtest.json and backtest.csv go here (default: .)")
  void out(Path dir) {
    out = Cli.check(spec, "--out", dir, Files.isDirectory(dir), "no such folder");
  }

  BacktestCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    if (from != null && until != null) {
      Cli.check(spec, "--until", until, until.isAfter(from), "must be after --from " + from);
    }
    ProbityConfig old = RulesFile.load(rules);
    ProbityConfig next = RulesFile.load(against);
    BacktestReport report = Backtest.run(events, old, next, from, until);
    spec.commandLine().getOut().print(report.toText());
    spec.commandLine().getOut().flush();
    Path json = out.resolve("backtest.json");
    Path csv = out.resolve("backtest.csv");
    Files.writeString(json, report.toJson(), StandardCharsets.UTF_8);
    Files.writeString(csv, report.toCsv(), StandardCharsets.UTF_8);
    err.println("backtest: wrote " + json + " and " + csv);
    return 0;
  }
}
