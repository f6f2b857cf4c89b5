package org.probity.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.probity.console.ConsoleMain;
import org.probity.deploy.cluster.ClusterCommand;
import org.probity.deploy.cluster.SubmitCommand;
import org.probity.jobs.cli.Cli;
import org.probity.jobs.cli.ProbityJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** The {@code probity} launcher: the job's commands ({@link ProbityJob}), {@code demo} and {@code console}. */
public final class Launcher {
  private Launcher() {}

  /** {@code probity console …}: the console parses its own options. */
  @Command(name = "console", description = "the monitoring centre's web console on Kafka (probity console --help)")
  static final class Console implements Callable<Integer> {
    @Unmatched List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      ConsoleMain.main(args.toArray(String[]::new));
      return 0;
    }
  }

  public static void main(String[] args) {
    CommandLine cl = ProbityJob.commandLine(System.err);
    cl.addSubcommand(Cli.commandLine(new Demo(System.err))
        .setDefaultValueProvider(org.probity.jobs.cli.TrafficOptions.defaults(Demo.TRAFFIC)));
    cl.addSubcommand(Cli.commandLine(new Console()));
    cl.addSubcommand(ClusterCommand.commandLine(System.out, System.err));
    // Everything from the job's command on is the job's: probity submit run --bootstrap-servers …
    cl.addSubcommand(Cli.commandLine(new SubmitCommand(System.err)).setStopAtPositional(true));
    int code = Cli.execute(cl, args, System.out, System.err);
    if (!(args.length > 0 && args[0].equals("console") && code == 0)) {
      System.exit(code);
    }
  }
}
