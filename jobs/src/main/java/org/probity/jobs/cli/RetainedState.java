package org.probity.jobs.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Where a job's checkpoints and savepoints live under {@code --checkpoint-dir}, and which one a
 * restart resumes from. One folder per job name, so two jobs sharing a checkpoint dir never resume
 * from each other's state:
 *
 * <pre>
 * CHECKPOINT_DIR/JOB_NAME/checkpoints/JOB_ID/chk-N/_metadata   (a folder per start of the job)
 * CHECKPOINT_DIR/JOB_NAME/savepoints/savepoint-…/_metadata     (stop --savepoint)
 * </pre>
 *
 * Read through Flink's file systems, so it works for any scheme the cluster has (file, s3, hdfs …).
 */
public final class RetainedState {
  static final String METADATA = "_metadata";

  /** A completed checkpoint or savepoint: its folder, and when its metadata was written. */
  public record Snapshot(String path, boolean savepoint, Instant written, long checkpointId) {
    public String describe() {
      return (savepoint ? "savepoint " : "retained checkpoint ") + path + " (written " + written + ")";
    }
  }

  private RetainedState() {}

  public static String checkpoints(URI base, String jobName) {
    return child(base, jobName) + "/checkpoints";
  }

  public static String savepoints(URI base, String jobName) {
    return child(base, jobName) + "/savepoints";
  }

  private static String child(URI base, String jobName) {
    String b = base.toString();
    return (b.endsWith("/") ? b : b + "/") + jobName;
  }

  /** The newest completed checkpoint or savepoint of {@code jobName}, if any. */
  public static Optional<Snapshot> latest(URI base, String jobName) {
    List<Snapshot> found = new ArrayList<>();
    try {
      for (FileStatus attempt : list(new Path(checkpoints(base, jobName)))) {
        for (FileStatus chk : list(attempt.getPath())) {
          String name = chk.getPath().getName();
          if (chk.isDir() && name.startsWith("chk-")) {
            metadata(chk.getPath(), false, parseId(name.substring(4))).ifPresent(found::add);
          }
        }
      }
      for (FileStatus sp : list(new Path(savepoints(base, jobName)))) {
        if (sp.isDir()) {
          metadata(sp.getPath(), true, -1).ifPresent(found::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + child(base, jobName) + ": " + e.getMessage(), e);
    }
    return found.stream().max(Comparator.comparing(Snapshot::written).thenComparing(Snapshot::checkpointId));
  }

  /** A snapshot given by the operator: a folder holding {@code _metadata}, or the file itself. */
  public static Optional<Snapshot> at(String path, boolean savepoint) {
    try {
      Path p = new Path(path);
      if (p.getName().equals(METADATA)) {
        p = p.getParent();
      }
      return metadata(p, savepoint, -1);
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<Snapshot> metadata(Path folder, boolean savepoint, long id) throws IOException {
    Path file = new Path(folder, METADATA);
    FileSystem fs = file.getFileSystem();
    if (!fs.exists(file)) {
      return Optional.empty(); // in progress, or abandoned when the process died during it
    }
    FileStatus status = fs.getFileStatus(file);
    return Optional.of(new Snapshot(folder.toString(), savepoint, Instant.ofEpochMilli(status.getModificationTime()),
        id));
  }

  private static List<FileStatus> list(Path dir) throws IOException {
    FileSystem fs = dir.getFileSystem();
    if (!fs.exists(dir)) {
      return List.of();
    }
    FileStatus[] children = fs.listStatus(dir);
    return children == null ? List.of() : List.of(children);
  }

  private static long parseId(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
