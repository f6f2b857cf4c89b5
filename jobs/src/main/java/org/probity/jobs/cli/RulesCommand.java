package org.probity.jobs.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rules}: the versions of the rules on the rules topic, published while the job runs. */
@Command(name = "rules", mixinStandardHelpOptions = true, usageHelpWidth = 100, synopsisSubcommandLabel = "COMMAND",
    description = "The rules versions on the rules topic (probity.rules): publish, list, export.",
    subcommands = {RulesPublishCommand.class, RulesListCommand.class, RulesExportCommand.class})
final class RulesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  private final PrintStream err;

  RulesCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(err);
    return Cli.USAGE_ERROR;
  }
}
