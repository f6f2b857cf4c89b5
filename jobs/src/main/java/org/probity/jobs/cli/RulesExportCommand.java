package org.probity.jobs.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.probity.jobs.versions.RulesHistoryFile;
import org.probity.schema.RulesVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rules export}: the versions on the rules topic as a history file ({@link RulesHistoryFile}),
 * for {@code replay --rules-history}: a replay of any day then judges by the rules of that day.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
    description = "Writes the rules versions on the topic to a file, one JSON object per line.")
final class RulesExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  Path out;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "the history file to write")
  void out(Path p) {
    out = Cli.outputFile(spec, "--out", p);
  }

  @Mixin RulesTopicOptions topic = new RulesTopicOptions();

  RulesExportCommand() {}

  @Override
  public Integer call() throws IOException {
    List<RulesVersion> published = topic.published(topic.client(), spec.commandLine().getErr());
    RulesHistoryFile.write(out, published, RulesTopicOptions.history(published).history().first().config().zone());
    spec.commandLine().getOut().println("exported " + published.size() + " rules version"
        + (published.size() == 1 ? "" : "s") + " from " + topic.topic + " to " + out);
    return 0;
  }
}
