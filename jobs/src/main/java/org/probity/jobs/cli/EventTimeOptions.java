package org.probity.jobs.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The event-time options {@code run} and {@code replay} share. */
final class EventTimeOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  Duration outOfOrderness;

  @Option(names = "--out-of-orderness", paramLabel = "D", defaultValue = "2m",
      description = "how far events may be out of order (default ${DEFAULT-VALUE})")
  void outOfOrderness(Duration d) {
    outOfOrderness = Cli.check(spec, "--out-of-orderness", d, !d.isNegative() && d.compareTo(Duration.ofDays(30)) <= 0,
        "must be from 0s to 30d");
  }

  Duration maxAhead;

  @Option(names = "--max-ahead", paramLabel = "D", defaultValue = "3d", description = {
      "an event dated further ahead of the clock (run: the wall clock; replay: the time it starts) is",
      "a dead letter, so one mistyped year cannot fire every pending deadline (default ${DEFAULT-VALUE})"})
  void maxAhead(Duration d) {
    maxAhead = Cli.check(spec, "--max-ahead", d, !d.isNegative() && !d.isZero() && d.compareTo(Duration.ofDays(3650)) <= 0,
        "must be from 1ms to 3650d");
  }
}
