package org.probity.console.ingest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.UnitStatus;

/**
 * The live unit board (廉情气象站): the latest {@link UnitStatus} of every unit, rebuilt from the
 * compacted unit-status topic at every start, and the console's own count of open alerts. The
 * units of the rules file are always on the board, in a fixed order, so a wall screen's layout
 * never moves; a unit known only from the topics is added after them.
 */
public final class UnitBoard {
  /** One tile; status is null until the unit's first UnitStatus arrives. */
  public record Tile(String unitId, String name, UnitStatus status, int consoleOpenAlerts) {}

  private final Map<String, String> names;
  private final List<String> configured;
  private final Map<String, UnitStatus> statuses = new ConcurrentHashMap<>();
  private final Map<String, Integer> openCounts = new ConcurrentHashMap<>();
  private final Map<String, Boolean> seen = new ConcurrentHashMap<>();

  public UnitBoard(ReferenceData reference) {
    Map<String, String> n = new java.util.HashMap<>();
    reference.units().values().forEach(u -> n.put(u.id(), u.name().isBlank() ? u.id() : u.name()));
    this.names = Map.copyOf(n);
    this.configured = n.keySet().stream().sorted().toList();
  }

  public String name(String unitId) {
    return names.getOrDefault(unitId, unitId);
  }

  /** Whether the unit is on the board: in the rules file or seen on the topics. */
  public boolean knows(String unitId) {
    return names.containsKey(unitId) || seen.containsKey(unitId);
  }

  /** Applies a status unless an older one (by asOf) arrives after a newer one. */
  public boolean update(UnitStatus status) {
    String id = status.getUnitId();
    seen.put(id, true);
    UnitStatus current = statuses.get(id);
    if (current != null && current.getAsOf().isAfter(status.getAsOf())) {
      return false;
    }
    statuses.put(id, status);
    return true;
  }

  public void openCounts(Map<String, Integer> counts) {
    counts.keySet().forEach(id -> seen.put(id, true));
    for (String id : new ArrayList<>(openCounts.keySet())) {
      if (!counts.containsKey(id)) {
        openCounts.put(id, 0);
      }
    }
    openCounts.putAll(counts);
  }

  public Tile tile(String unitId) {
    return new Tile(unitId, name(unitId), statuses.get(unitId), openCounts.getOrDefault(unitId, 0));
  }

  public List<Tile> tiles() {
    List<Tile> out = new ArrayList<>();
    configured.forEach(id -> out.add(tile(id)));
    TreeSet<String> extra = new TreeSet<>(Comparator.naturalOrder());
    extra.addAll(seen.keySet());
    extra.removeAll(configured);
    extra.forEach(id -> out.add(tile(id)));
    return out;
  }
}
