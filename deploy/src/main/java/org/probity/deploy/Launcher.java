package org.probity.deploy;

import java.util.Arrays;
import org.probity.console.ConsoleMain;
import org.probity.jobs.cli.ProbityJob;

/** The {@code probity} launcher: {@code demo} here, {@code console} in the console module, every other command in {@link ProbityJob}. */
public final class Launcher {
  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("demo")) {
      System.exit(Demo.execute(Arrays.copyOfRange(args, 1, args.length), System.err));
    }
    if (args.length > 0 && args[0].equals("console")) {
      ConsoleMain.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.err.print(ProbityJob.USAGE);
      System.err.println("  demo       embedded Kafka + Flink + generated traffic + the console: watch the monitor work");
      System.err.println("  console    the monitoring centre's web console on Kafka");
      System.exit(args.length == 0 ? 2 : 0);
    }
    System.exit(ProbityJob.execute(args, System.err));
  }
}
