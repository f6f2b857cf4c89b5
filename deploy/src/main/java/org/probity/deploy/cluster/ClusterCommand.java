package org.probity.deploy.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.probity.jobs.cli.Cli;
import org.probity.jobs.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code probity cluster start|stop|status|add-taskmanager}: a Flink standalone session cluster on this host. */
@Command(name = "cluster", mixinStandardHelpOptions = true, usageHelpWidth = 100, synopsisSubcommandLabel = "COMMAND",
    description = {"A Flink 2.2 standalone session cluster on this host: a JobManager and TaskManagers, each its",
        "own JVM, with the web UI and a Prometheus endpoint per process. probity submit runs the job on it."})
public final class ClusterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  private final PrintStream err;

  public ClusterCommand(PrintStream err) {
    this.err = err;
  }

  /** The command with its subcommands, for the launcher. */
  public static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine cl = Cli.commandLine(new ClusterCommand(err));
    cl.addSubcommand(Cli.commandLine(new Start(out, err)));
    cl.addSubcommand(Cli.commandLine(new Stop(err)));
    cl.addSubcommand(Cli.commandLine(new Status(out)));
    cl.addSubcommand(Cli.commandLine(new AddTaskManager(err)));
    return cl;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(err);
    return Cli.USAGE_ERROR;
  }

  /** The cluster's folder, shared by every subcommand. */
  static class Home {
    @Option(names = "--home", paramLabel = "DIR", defaultValue = "probity-cluster",
        description = "the cluster's config, logs and process ids (default ./${DEFAULT-VALUE})")
    Path home;

    StandaloneCluster cluster() {
      return StandaloneCluster.at(home);
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
      description = {"Starts a JobManager and N TaskManagers in the background and prints the web UI's address",
          "once every TaskManager has registered."})
  static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;
    @CommandLine.Mixin Home home = new Home();
    private final PrintStream out;
    private final PrintStream err;

    int taskManagers;

    @Option(names = "--taskmanagers", paramLabel = "N", defaultValue = "1", description = "(default ${DEFAULT-VALUE})")
    void taskManagers(int v) {
      taskManagers = Cli.range(spec, "--taskmanagers", v, 1, 64);
    }

    int slots;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "2",
        description = "task slots per TaskManager (default ${DEFAULT-VALUE})")
    void slots(int v) {
      slots = Cli.range(spec, "--slots", v, 1, 256);
    }

    int restPort;

    @Option(names = "--rest-port", paramLabel = "PORT", defaultValue = "8081",
        description = "web UI and REST API on 127.0.0.1:PORT (default ${DEFAULT-VALUE}; 0: any free port)")
    void restPort(int v) {
      restPort = Cli.range(spec, "--rest-port", v, 0, 65535);
    }

    String taskManagerMemory;

    @Option(names = "--taskmanager-memory", paramLabel = "SIZE", defaultValue = "1536m",
        description = "each TaskManager's process size (default ${DEFAULT-VALUE})")
    void taskManagerMemory(String v) {
      taskManagerMemory = Cli.check(spec, "--taskmanager-memory", v, v.matches("\\d+[mMgG]"),
          "must be a size such as 1536m or 4g");
    }

    int prometheusPort;

    @Option(names = "--prometheus-port", paramLabel = "PORT", defaultValue = "9249", description = {
        "first port of the Prometheus endpoints; each process takes the next free one (default ${DEFAULT-VALUE})"})
    void prometheusPort(int v) {
      prometheusPort = Cli.range(spec, "--prometheus-port", v, 1024, 65000);
    }

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "a further config.yaml entry (repeatable)")
    Map<String, String> conf = new LinkedHashMap<>();

    Start(PrintStream out, PrintStream err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public Integer call() throws Exception {
      StandaloneCluster cluster = home.cluster();
      if (cluster.processes().values().stream().anyMatch(Optional::isPresent)) {
        throw new ConfigException("cluster start: --home: a cluster is already running under " + cluster.home()
            + " (probity cluster stop --home " + home.home + ")");
      }
      cluster.configure(StandaloneCluster.Options.defaults().withTaskManagers(taskManagers).withSlots(slots)
          .withRestPort(restPort).withTaskManagerMemory(taskManagerMemory).withPrometheusPort(prometheusPort)
          .with(conf));
      Process jm = cluster.startJobManager();
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= taskManagers; i++) {
        names.add("taskmanager-" + i);
        cluster.startTaskManager(names.get(i - 1));
      }
      if (!cluster.awaitTaskManagers(names, Duration.ofMinutes(3), jm)) {
        err.println("probity cluster: the cluster did not come up within 3 minutes; see " + cluster.logDir()
            + "/jobmanager.log and taskmanager-*.log (stopping it)");
        cluster.stop(Duration.ofSeconds(20));
        return 1;
      }
      out.println("probity cluster: web UI at " + cluster.restAddress() + " (1 JobManager, " + taskManagers
          + " TaskManagers × " + slots + " slots; logs in " + cluster.logDir() + "; Prometheus from port "
          + prometheusPort + ")");
      return 0;
    }
  }

  @Command(name = "add-taskmanager", mixinStandardHelpOptions = true, usageHelpWidth = 100,
      description = "Starts one more TaskManager (more slots, or a replacement for one that died).")
  static final class AddTaskManager implements Callable<Integer> {
    @CommandLine.Mixin Home home = new Home();
    private final PrintStream err;

    @Option(names = "--name", paramLabel = "NAME", description = {
        "its name (default taskmanager-N); give each host its own, e.g. tm-host2-1, when several hosts",
        "share one JobManager"})
    String name;

    AddTaskManager(PrintStream err) {
      this.err = err;
    }

    @Override
    public Integer call() throws Exception {
      StandaloneCluster cluster = home.cluster();
      if (cluster.overview().isEmpty()) {
        throw new ConfigException("cluster add-taskmanager: --home: no running cluster answers at " + home.home);
      }
      String name = this.name != null ? this.name : cluster.nextTaskManagerName();
      if (!name.matches("[A-Za-z0-9._-]{1,64}") || cluster.processes().getOrDefault(name, Optional.empty()).isPresent()) {
        throw new ConfigException("cluster add-taskmanager: --name: '" + name + "' must be 1-64 letters, digits, '.', "
            + "'_' or '-', and not a running TaskManager's");
      }
      cluster.startTaskManager(name);
      if (!cluster.awaitTaskManagers(List.of(name), Duration.ofMinutes(2), null)) {
        err.println("probity cluster: " + name + " did not register within 2 minutes; see " + cluster.logDir()
            + "/" + name + ".log");
        return 1;
      }
      err.println("probity cluster: " + name + " registered (" + cluster.registeredTaskManagers().size()
          + " TaskManagers)");
      return 0;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, usageHelpWidth = 100,
      description = "Stops the cluster's processes (running jobs fail over to nothing: stop them first with probity stop).")
  static final class Stop implements Callable<Integer> {
    @CommandLine.Mixin Home home = new Home();
    private final PrintStream err;

    Stop(PrintStream err) {
      this.err = err;
    }

    @Override
    public Integer call() throws Exception {
      int n = home.cluster().stop(Duration.ofSeconds(30));
      err.println(n == 0 ? "probity cluster: nothing running under " + home.home.toAbsolutePath()
          : "probity cluster: stopped " + n + " processes");
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, usageHelpWidth = 100,
      description = "The cluster's processes, TaskManagers, slots and jobs; exit code 0 when its REST API answers.")
  static final class Status implements Callable<Integer> {
    @CommandLine.Mixin Home home = new Home();
    private final PrintStream out;

    Status(PrintStream out) {
      this.out = out;
    }

    @Override
    public Integer call() throws Exception {
      StandaloneCluster cluster = home.cluster();
      Map<String, Optional<ProcessHandle>> processes = cluster.processes();
      if (processes.isEmpty()) {
        out.println("probity cluster: nothing started under " + cluster.home());
        return 1;
      }
      processes.forEach((name, p) -> out.println("  " + name + ": " + p.map(h -> "running (pid " + h.pid() + ")")
          .orElse("not running (see " + cluster.logDir().resolve(name + ".log") + ")")));
      Optional<JsonNode> o = cluster.overview();
      if (o.isEmpty()) {
        out.println("probity cluster: the REST API at " + cluster.restAddress() + " does not answer");
        return 1;
      }
      JsonNode v = o.get();
      out.println("probity cluster: " + cluster.restAddress() + " — " + v.path("taskmanagers").asInt()
          + " TaskManagers, " + v.path("slots-available").asInt() + " of " + v.path("slots-total").asInt()
          + " slots free, " + v.path("jobs-running").asInt() + " jobs running, " + v.path("jobs-finished").asInt()
          + " finished, " + v.path("jobs-cancelled").asInt() + " cancelled, " + v.path("jobs-failed").asInt()
          + " failed (Flink " + v.path("flink-version").asText() + ")");
      return 0;
    }
  }
}
