package org.probity.jobs.versions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.lang.reflect.RecordComponent;
import org.probity.jobs.config.ProbityConfig;

/**
 * What a rules version changes, for the people who review it before it is published: every
 * parameter, item, person, related party, unit and calendar setting that differs, each under its
 * path in the rules file ({@code parameters.approval.noticeWorkingDays: 1 → 2}).
 *
 * <p>The configuration is walked generically over its record components, maps (by key) and sets
 * (by element), so a parameter added to a {@code *Parameters} record shows up here with no code.
 * Only the top level needs a word: where each component of {@link ProbityConfig} lives in the file.
 */
public final class RulesDiff {
  private RulesDiff() {}

  public enum Kind { ADDED, REMOVED, CHANGED }

  /** One change: what was added, removed or changed, under its path in the rules file. */
  public record Change(Kind kind, String path, String before, String after) {
    @Override
    public String toString() {
      return switch (kind) {
        case ADDED -> path + ": added " + after;
        case REMOVED -> path + ": removed " + before;
        case CHANGED -> path + ": " + before + " → " + after;
      };
    }
  }

  /** The components of {@link ProbityConfig} that the rules file keeps under {@code calendar:}. */
  private static final Set<String> CALENDAR = Set.of("zone", "holidayFiles", "days");
  /** The component whose contents are at the top of the file ({@code items:}, {@code people:} …). */
  private static final String REFERENCE = "reference";

  /** The changes from {@code from} to {@code to}, in the order of the configuration's components. */
  public static List<Change> between(ProbityConfig from, ProbityConfig to) {
    List<Change> changes = new ArrayList<>();
    for (RecordComponent c : ProbityConfig.class.getRecordComponents()) {
      String name = c.getName();
      String path = name.equals(REFERENCE) ? "" : CALENDAR.contains(name) ? "calendar." + name : "parameters." + name;
      compare(path, value(c, from), value(c, to), changes);
    }
    return changes;
  }

  private static void compare(String path, Object a, Object b, List<Change> out) {
    if (Objects.equals(a, b)) {
      return;
    }
    if (a instanceof Record && b instanceof Record && a.getClass() == b.getClass()) {
      for (RecordComponent c : a.getClass().getRecordComponents()) {
        compare(join(path, c.getName()), value(c, a), value(c, b), out);
      }
    } else if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      for (String key : keys(x.keySet(), y.keySet())) {
        Object before = x.get(key);
        Object after = y.get(key);
        String at = join(path, key);
        if (before == null) {
          out.add(new Change(Kind.ADDED, at, null, describe(after)));
        } else if (after == null) {
          out.add(new Change(Kind.REMOVED, at, describe(before), null));
        } else {
          compare(at, before, after, out);
        }
      }
    } else if (a instanceof Set<?> x && b instanceof Set<?> y) {
      for (String element : keys(x, y)) {
        if (!x.contains(element)) {
          out.add(new Change(Kind.ADDED, path, null, element));
        } else if (!y.contains(element)) {
          out.add(new Change(Kind.REMOVED, path, element, null));
        }
      }
    } else {
      out.add(new Change(Kind.CHANGED, path, describe(a), describe(b)));
    }
  }

  /** A value on one line: a record as its set components ({@code name 某局, tenderThresholdFen 500000}). */
  private static String describe(Object v) {
    if (v instanceof Record r) {
      StringJoiner parts = new StringJoiner(", ");
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        Object part = value(c, r);
        boolean empty = part == null || "".equals(part) || part instanceof Map<?, ?> m && m.isEmpty();
        if (!empty) {
          parts.add(c.getName() + " " + describe(part));
        }
      }
      return parts.toString();
    }
    if (v instanceof Collection<?> c) {
      return new TreeSet<>(c.stream().map(String::valueOf).toList()).toString();
    }
    return String.valueOf(v);
  }

  private static TreeSet<String> keys(Collection<?> a, Collection<?> b) {
    TreeSet<String> keys = new TreeSet<>();
    a.forEach(k -> keys.add(String.valueOf(k)));
    b.forEach(k -> keys.add(String.valueOf(k)));
    return keys;
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static Object value(RecordComponent c, Object record) {
    try {
      return c.getAccessor().invoke(record);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + c.getName() + " of " + record.getClass().getSimpleName(), e);
    }
  }
}
