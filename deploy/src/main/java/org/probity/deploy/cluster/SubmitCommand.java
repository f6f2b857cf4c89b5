package org.probity.deploy.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.probity.jobs.cli.Cli;
import org.probity.jobs.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code probity submit [--home DIR] -- run …}: the job jar to the cluster, as {@code flink run -d
 * JAR run …} does — Flink's own client in a JVM of its own, on the cluster's config.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
    description = {"Sends the job jar to a running cluster (flink run -d semantics): everything after the options",
        "is the job's command line, e.g. probity submit -- run --bootstrap-servers kafka:9092 --checkpoint-dir …",
        "A job that ran before resumes from its newest retained checkpoint or savepoint (see probity run --help)."})
public final class SubmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  private final PrintStream err;

  @Option(names = "--home", paramLabel = "DIR", defaultValue = "probity-cluster",
      description = "the cluster probity cluster start made (default ./${DEFAULT-VALUE})")
  Path home;

  @Option(names = "--jar", paramLabel = "FILE",
      description = "the job jar (default: jobs/target/probity-jobs-*-job.jar of this checkout)")
  Path jar;

  @Parameters(paramLabel = "JOB_ARGS", arity = "1..*", description = "the job's command line (run …)")
  List<String> jobArgs = new ArrayList<>();

  public SubmitCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    Path job = jar != null ? Cli.inputFile(spec, "--jar", jar) : defaultJar();
    StandaloneCluster cluster = StandaloneCluster.at(home);
    if (!Files.exists(cluster.confDir().resolve("config.yaml"))) {
      throw new ConfigException("submit: --home: no cluster under " + cluster.home() + " (probity cluster start)");
    }
    if (cluster.overview().isEmpty()) {
      throw new ConfigException("submit: --home: the cluster's REST API at " + cluster.restAddress()
          + " does not answer (probity cluster status --home " + home + ")");
    }
    List<String> args = new ArrayList<>(List.of("run", "-d", job.toAbsolutePath().toString()));
    args.addAll(jobArgs);
    Process p = cluster.client(args).inheritIO().start();
    return p.waitFor();
  }

  /** The shaded job jar of the checkout the launcher runs from. */
  private Path defaultJar() throws IOException {
    Path target = Path.of(System.getProperty("probity.home", ".")).resolve("jobs").resolve("target");
    if (Files.isDirectory(target)) {
      try (Stream<Path> files = Files.list(target)) {
        List<Path> jars = files.filter(f -> f.getFileName().toString().matches("probity-jobs-.*-job\\.jar")).toList();
        if (jars.size() == 1) {
          return jars.get(0);
        }
      }
    }
    throw new ConfigException("submit: --jar: no single probity-jobs-*-job.jar in " + target.toAbsolutePath()
        + " (mvn -B -DskipTests package builds it)");
  }
}
