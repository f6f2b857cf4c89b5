package org.probity.jobs.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.versions.RulesDiff;
import org.probity.jobs.versions.RulesHistory;
import org.probity.schema.RulesVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code rules list}: the versions on the rules topic, each with when it takes effect, who
 * published it and why, and how many things it changes from the version before; a version the job
 * refuses is listed with the reason.
 */
@Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
    description = "Lists the rules versions: number, effective from, author, changes, comment.")
final class RulesListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RulesTopicOptions topic = new RulesTopicOptions();

  RulesListCommand() {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<RulesVersion> published = topic.published(topic.client(), spec.commandLine().getErr());
    RulesHistory.Built built = RulesTopicOptions.history(published);
    Map<Integer, String> refused = built.refused().stream()
        .collect(Collectors.toMap(r -> r.version().getVersion(), RulesHistory.Refused::reason, (a, b) -> a));
    Map<Integer, RulesHistory.Version> accepted = built.history().versions().stream()
        .collect(Collectors.toMap(RulesHistory.Version::version, Function.identity()));
    AvroJson json = new AvroJson(built.history().first().config().zone());
    out.printf("%-8s %-26s %-16s %-8s %s%n", "version", "effective from", "author", "changes", "comment");
    if (published.stream().noneMatch(v -> v.getVersion() == 1)) {
      out.printf("%-8d %-26s %-16s %-8s %s%n", 1, "the start", "-", "-",
          "(not on " + topic.topic + " yet: the rules shipped in the jar)");
    }
    RulesHistory.Version previous = built.history().first();
    for (RulesVersion v : published) {
      String from = v.getVersion() == 1 ? "the start" : json.formatTime(v.getEffectiveFrom());
      RulesHistory.Version version = accepted.get(v.getVersion());
      String changes;
      String comment = v.getComment();
      if (version == null) {
        changes = "-";
        comment = comment + " (refused: " + refused.getOrDefault(v.getVersion(), "not in force") + ")";
      } else {
        changes = v.getVersion() == 1 ? "-" : Integer.toString(RulesDiff.between(previous.config(),
            version.config()).size());
        previous = version;
      }
      out.printf("%-8d %-26s %-16s %-8s %s%n", v.getVersion(), from, v.getAuthor(), changes, comment);
    }
    return 0;
  }
}
