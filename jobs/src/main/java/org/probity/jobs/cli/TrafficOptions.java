package org.probity.jobs.cli;

import org.probity.jobs.generate.GeneratorSettings;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The generated traffic's options, shared by {@code generate} and {@code demo}, each with its own defaults. */
public final class TrafficOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  int scale;

  @Option(names = "--scale", paramLabel = "N", description = "subjects per unit, working day and stream (default ${DEFAULT-VALUE})")
  void scale(int v) {
    scale = Cli.range(spec, "--scale", v, 1, 100_000);
  }

  double violationRate;

  @Option(names = "--violation-rate", paramLabel = "R", description = {
      "share of subjects with a planted violation, on average over the",
      "units, 0..1 (default ${DEFAULT-VALUE})"})
  void violationRate(double v) {
    violationRate = Cli.range(spec, "--violation-rate", v, 0.0, 1.0);
  }

  double unitSpread;

  @Option(names = "--unit-spread", paramLabel = "S", description = {
      "the most violation-prone unit violates S times as often as the",
      "cleanest, the others evenly between on a log scale (which unit is",
      "which: from the seed) (default ${DEFAULT-VALUE}; 1: every unit alike)"})
  void unitSpread(double v) {
    unitSpread = Cli.range(spec, "--unit-spread", v, 1.0, 1_000_000.0);
  }

  long seed;

  @Option(names = "--seed", paramLabel = "N", description = "which units are which, and all the traffic (default ${DEFAULT-VALUE})")
  void seed(long v) {
    seed = v;
  }

  /** {@code base} with these options. */
  public GeneratorSettings applyTo(GeneratorSettings base) {
    return base.withSeed(seed).withScale(scale).withViolationRate(violationRate).withUnitSpread(unitSpread);
  }

  /** The defaults of a command's traffic options (and its {@code --days}), taken from {@code d}. */
  public static IDefaultValueProvider defaults(GeneratorSettings d) {
    return (picocli.CommandLine.Model.ArgSpec arg) -> {
      if (!(arg instanceof OptionSpec option)) {
        return null;
      }
      return switch (option.longestName()) {
        case "--scale" -> Integer.toString(d.scale());
        case "--violation-rate" -> Double.toString(d.violationRate());
        case "--unit-spread" -> Double.toString(d.unitSpread());
        case "--seed" -> Long.toString(d.seed());
        case "--days" -> Integer.toString(d.days());
        default -> null;
      };
    };
  }
}
