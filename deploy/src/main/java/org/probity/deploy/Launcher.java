package org.probity.deploy;

import java.util.Arrays;
import org.probity.jobs.cli.ProbityJob;

/** The {@code probity} launcher: {@code demo} here, every other command in {@link ProbityJob}. */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("demo")) {
      System.exit(Demo.execute(Arrays.copyOfRange(args, 1, args.length), System.err));
    }
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.err.print(ProbityJob.USAGE);
      System.err.println("  demo       embedded Kafka + Flink + generated traffic: watch the monitor work");
      System.exit(args.length == 0 ? 2 : 0);
    }
    System.exit(ProbityJob.execute(args, System.err));
  }
}
