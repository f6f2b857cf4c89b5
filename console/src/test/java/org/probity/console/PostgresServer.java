package org.probity.console;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests, from the machine's Debian {@code postgresql} package:
 * a fresh cluster in a temporary folder on a free port of 127.0.0.1, stopped and deleted on close.
 * PostgreSQL refuses to run as root, so as root it runs as the package's {@code postgres} user.
 * Set PROBITY_PG_BIN to use another installation's bin folder.
 */
final class PostgresServer implements AutoCloseable {
  private final Path dir;
  private final Path bin;
  private final int port;
  private final boolean asPostgresUser;

  private PostgresServer(Path dir, Path bin, int port, boolean asPostgresUser) {
    this.dir = dir;
    this.bin = bin;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  static PostgresServer start() throws Exception {
    Path bin = findBin();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("probity-console-pg");
    if (root) {
      UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PostgresServer server = new PostgresServer(dir, bin, port, root);
    server.run("initdb", "-D", dir.resolve("data").toString(), "-U", "probity", "--auth=trust", "-E", "UTF8",
        "--locale=C.UTF-8");
    server.run("pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
        "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
    return server;
  }

  private static Path findBin() throws IOException {
    String env = System.getenv("PROBITY_PG_BIN");
    if (env != null) {
      return Path.of(env);
    }
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (Stream<Path> versions = Files.list(root)) {
        var newest = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")))
            .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))));
        if (newest.isPresent()) {
          return newest.get();
        }
      }
    }
    throw new IllegalStateException("PostgreSQL server not found: install Debian's postgresql"
        + " (apt-get install -y postgresql) or set PROBITY_PG_BIN to its bin folder");
  }

  private void run(String tool, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    if (asPostgresUser) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(tool).toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(tool + " failed: " + output);
    }
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  String user() {
    return "probity";
  }

  @Override
  public void close() throws Exception {
    try {
      run("pg_ctl", "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
