package org.probity.jobs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code run}, {@code replay}, {@code generate}, {@code stop}, {@code topics},
 * {@code backtest}, {@code rules}. Only wires: every command builds the same pipeline
 * ({@link org.probity.jobs.pipeline.ProbityPipeline}). The job jar's main class, so {@code flink run
 * probity-jobs-job.jar run --bootstrap-servers …} works as is.
 */
@Command(name = "probity", mixinStandardHelpOptions = true, usageHelpWidth = 100,
    description = "Real-time e-supervision (电子监察). probity COMMAND --help for a command's options.",
    synopsisSubcommandLabel = "COMMAND")
public final class ProbityJob implements java.util.concurrent.Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  private final PrintStream err;

  private ProbityJob(PrintStream err) {
    this.err = err;
  }

  public static void main(String[] args) {
    int code = execute(args, System.out, System.err);
    // On a cluster main returns: in application mode (Kubernetes) it runs inside the JobManager,
    // which System.exit would stop; flink run exits by itself.
    if (code != 0 || !RunCommand.submittedToCluster) {
      System.exit(code);
    }
  }

  /** The command line with its commands; the launcher adds its own (demo, console) to it. */
  public static CommandLine commandLine(PrintStream err) {
    CommandLine cl = Cli.commandLine(new ProbityJob(err));
    cl.addSubcommand(Cli.commandLine(new RunCommand(err)));
    cl.addSubcommand(Cli.commandLine(new ReplayCommand(err)));
    cl.addSubcommand(Cli.commandLine(new GenerateCommand(err))
        .setDefaultValueProvider(TrafficOptions.defaults(org.probity.jobs.generate.GeneratorSettings.DEFAULTS)));
    cl.addSubcommand(Cli.commandLine(new StopCommand(err)));
    cl.addSubcommand(Cli.commandLine(new TopicsCommand(err)));
    cl.addSubcommand(Cli.commandLine(new BacktestCommand(err)));
    cl.addSubcommand(Cli.commandLine(new RulesCommand(err)));
    return cl;
  }

  /** Runs one command; a bad argument or rules file is one line on {@code err} and exit code 2. */
  public static int execute(String[] args, PrintStream out, PrintStream err) {
    return Cli.execute(commandLine(err), args, out, err);
  }

  /** As {@link #execute(String[], PrintStream, PrintStream)}, help to standard output. */
  public static int execute(String[] args, PrintStream err) {
    return execute(args, System.out, err);
  }

  /** With no command: the usage, and exit code 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(err);
    return Cli.USAGE_ERROR;
  }

  static ProbityConfig loadRules(Path rules) {
    return rules != null ? RulesFile.load(rules) : RulesFile.defaults();
  }

  /** The text of the rules file (the shipped one without {@code --rules}), as version 1 of the rules topic. */
  static String rulesText(Path rules) {
    if (rules == null) {
      return RulesFile.defaultText();
    }
    try {
      return java.nio.file.Files.readString(rules, java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new org.probity.jobs.config.ConfigException("--rules: cannot read " + rules + ": " + e.getMessage());
    }
  }
}
