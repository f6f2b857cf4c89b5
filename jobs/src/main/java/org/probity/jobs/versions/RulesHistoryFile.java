package org.probity.jobs.versions;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.probity.connectors.json.AvroJson;
import org.probity.jobs.config.ConfigException;
import org.probity.schema.RulesVersion;

/**
 * A rules history as a file, one {@link RulesVersion} per line in the contract's JSON form
 * ({@code {"version": 2, "author": …, "comment": …, "effectiveFrom": "2025-10-01T00:00:00+08:00",
 * "publishedAt": …, "rules": "<the YAML>"}}): what {@code probity rules export} writes from the
 * topic and {@code probity replay --rules-history} reads, so any day replays with the rules of that day.
 */
public final class RulesHistoryFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RulesHistoryFile() {}

  public static List<RulesVersion> read(Path file, ZoneId zone) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    AvroJson json = new AvroJson(zone);
    List<RulesVersion> versions = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        versions.add(json.read(JSON.readTree(lines.get(i)), RulesVersion.class));
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(file + ": line " + (i + 1) + ": not a rules version: " + e.getMessage());
      }
    }
    return versions;
  }

  public static void write(Path file, List<RulesVersion> versions, ZoneId zone) throws IOException {
    AvroJson json = new AvroJson(zone);
    StringBuilder text = new StringBuilder();
    versions.forEach(v -> text.append(json.write(v)).append('\n'));
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
