package org.probity.jobs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;

/**
 * The command line: {@code run}, {@code replay}, {@code generate}. Only wires: every command
 * builds the same pipeline ({@link org.probity.jobs.pipeline.ProbityPipeline}). The job jar's main
 * class, so {@code flink run probity-jobs-job.jar run --bootstrap-servers …} works as is.
 */
public final class ProbityJob {
  public static final String USAGE = """
      usage: probity <command> [options]    (probity <command> --help for its options)
        run        Kafka in, Kafka out: the monitor, on a Flink cluster or locally
        replay     a JSON Lines file of events through the same pipeline, alerts to a file
        generate   synthetic traffic with planted violations and their ground truth
      """;

  private ProbityJob() {}

  public static void main(String[] args) throws Exception {
    System.exit(execute(args, System.err));
  }

  /** Runs one command; a bad argument or rules file is one line on {@code err} and exit code 2. */
  public static int execute(String[] args, PrintStream err) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
      err.print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (args[0]) {
        case "run" -> RunCommand.run(rest, err);
        case "replay" -> ReplayCommand.run(rest, err);
        case "generate" -> GenerateCommand.run(rest, err);
        default -> throw new ConfigException("unknown command '" + args[0] + "'\n" + USAGE);
      };
    } catch (ConfigException e) {
      err.println("probity: " + e.getMessage());
      return 2;
    }
  }

  static ProbityConfig loadRules(Args args) {
    return args.has("rules") ? RulesFile.load(Path.of(args.string("rules", null))) : RulesFile.defaults();
  }
}
