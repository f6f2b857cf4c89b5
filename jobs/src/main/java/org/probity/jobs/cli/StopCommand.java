package org.probity.jobs.cli;

import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.probity.jobs.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stop}: a planned stop of a running job through Flink's REST API — the cluster's, or the
 * one {@code run} prints when it runs locally. With {@code --savepoint} the job stops with a
 * savepoint under its checkpoint dir, and {@code run} with the same command resumes from it.
 */
@Command(name = "stop", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
    description = {"Stops a running job, with a savepoint for a planned restart or upgrade.",
        "The same as Flink's REST call POST /jobs/JOB_ID/stop {\"drain\": false}."})
final class StopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  private final PrintStream err;

  URI rest;

  @Option(names = "--rest-address", required = true, paramLabel = "HOST:PORT",
      description = "Flink's REST API (the cluster's, or the one probity run printed)")
  void rest(String v) {
    try {
      rest = URI.create("http://" + v);
      Cli.check(spec, "--rest-address", v, rest.getHost() != null && rest.getPort() > 0, "must be HOST:PORT");
    } catch (IllegalArgumentException e) {
      Cli.check(spec, "--rest-address", v, false, "must be HOST:PORT");
    }
  }

  @Option(names = "--job-name", paramLabel = "NAME", defaultValue = "probity",
      description = "the running job of this name (default ${DEFAULT-VALUE})")
  String jobName;

  @Option(names = "--savepoint", description = "stop with a savepoint (else cancel: the retained checkpoint stays)")
  boolean savepoint;

  @Option(names = "--savepoint-dir", paramLabel = "URI",
      description = "where the savepoint goes (default: the job's own folder under --checkpoint-dir)")
  String savepointDir;

  @Option(names = "--checkpoint-dir", paramLabel = "URI", description = {
      "the job's --checkpoint-dir: the savepoint goes to its folder there, where run resumes from (a",
      "session cluster does not know the job's own savepoint folder)"})
  URI checkpointDir;

  StopCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestOptions.ADDRESS, rest.getHost());
    conf.set(RestOptions.PORT, rest.getPort());
    try (RestClusterClient<String> client = new RestClusterClient<>(conf, "probity")) {
      List<JobStatusMessage> running;
      try {
        running = client.listJobs().get(30, TimeUnit.SECONDS).stream()
            .filter(j -> j.getJobName().equals(jobName) && !j.getJobState().isGloballyTerminalState()).toList();
      } catch (ExecutionException e) {
        throw new ConfigException("stop: --rest-address: cannot reach Flink at " + rest.getAuthority() + ": "
            + e.getCause().getMessage());
      }
      if (running.size() != 1) {
        throw new ConfigException("stop: --job-name: " + running.size() + " running jobs named '" + jobName + "' at "
            + rest.getAuthority());
      }
      JobID id = running.get(0).getJobId();
      if (savepoint) {
        String target = savepointDir != null ? savepointDir
            : checkpointDir != null ? RetainedState.savepoints(checkpointDir, jobName) : null;
        String path;
        try {
          path = client.stopWithSavepoint(id, false, target, SavepointFormatType.CANONICAL).get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
          if (target == null && String.valueOf(e.getCause()).contains("savepoint-dir")) {
            throw new ConfigException("stop: --checkpoint-dir: the cluster has no default savepoint folder; give the "
                + "job's --checkpoint-dir (or --savepoint-dir)");
          }
          throw e;
        }
        err.println("probity stop: job '" + jobName + "' (" + id + ") stopped with savepoint " + path);
      } else {
        client.cancel(id).get(5, TimeUnit.MINUTES);
        err.println("probity stop: job '" + jobName + "' (" + id + ") cancelled; its last checkpoint is retained");
      }
    }
    return 0;
  }
}
