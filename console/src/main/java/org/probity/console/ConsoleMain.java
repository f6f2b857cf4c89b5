package org.probity.console;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.console.auth.Passwords;
import org.probity.jobs.cli.Args;
import org.probity.jobs.config.ConfigException;

/** {@code console}: the monitoring centre's web console; {@code console hash-password} makes an account's hash. */
public final class ConsoleMain {
  static final String HELP = """
      probity console [options]
        Serves the monitoring centre's console (unit board, live alerts, evidence, notices) until Ctrl-C.
        --config FILE      the console's YAML config: accounts, Kafka, store (see console/README.md)
        --bootstrap HOSTS  Kafka bootstrap servers (overrides kafka.bootstrapServers)
        --host ADDRESS     address to listen on (overrides http.host; default 127.0.0.1)
        --port N           HTTP port (overrides http.port; default 8088, 0 = any free port)
        --store JDBC_URL   jdbc:h2:file:… or jdbc:postgresql://… (overrides store.jdbcUrl)
      probity console hash-password
        Reads a password (from the terminal without echo, or the first line of standard input) and
        prints the passwordHash line for an account of the config file.
      """;

  private ConsoleMain() {}

  public static void main(String[] args) throws Exception {
    System.exit(execute(args, System.in, System.out, System.err, new CountDownLatch(1)));
  }

  /**
   * Runs the command; returns the exit code. A serving console runs until {@code stop} counts down
   * (a shutdown hook does it on Ctrl-C).
   */
  static int execute(String[] argv, InputStream in, PrintStream out, PrintStream err, CountDownLatch stop)
      throws Exception {
    try {
      if (argv.length > 0 && argv[0].equals("hash-password")) {
        return hashPassword(argv, in, out, err);
      }
      Args args = Args.parse("console", argv, Set.of("config", "bootstrap", "host", "port", "store"), Set.of());
      if (args.help()) {
        out.print(HELP);
        return 0;
      }
      ConsoleSettings settings = settings(args);
      try (ConsoleServer console = ConsoleServer.start(settings)) {
        out.println("console: serving " + console.url() + " (Kafka " + settings.kafka().bootstrapServers()
            + ", store " + settings.jdbcUrl() + ")");
        Thread hook = new Thread(stop::countDown);
        Runtime.getRuntime().addShutdownHook(hook);
        stop.await();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // already shutting down
        }
      }
      return 0;
    } catch (ConfigException e) {
      String m = e.getMessage();
      err.println(m.startsWith("console: ") ? m : "console: " + m);
      return 2;
    }
  }

  static ConsoleSettings settings(Args args) {
    if (!args.has("config")) {
      throw new ConfigException("console: --config is required: accounts must be configured (see console --help)");
    }
    ConsoleSettings s = ConsoleConfigFile.load(args.existingFile("config"), System::getenv);
    if (args.has("bootstrap")) {
      KafkaSettings k = s.kafka();
      s = s.withKafka(new KafkaSettings(args.required("bootstrap"), k.groupId(), k.eventTopics(), k.alertsTopic(),
          k.unitStatusTopic(), k.deadLetterTopic(), k.exactlyOnce(), k.transactionalIdPrefix(),
          k.transactionTimeout()));
    }
    if (args.has("host") || args.has("port")) {
      s = s.withListen(args.string("host", s.host()), args.integer("port", s.port(), 0, 65535));
    }
    if (args.has("store")) {
      String url = args.required("store");
      if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
        throw new ConfigException("console: --store: must start with jdbc:h2: or jdbc:postgresql:, got '" + url + "'");
      }
      s = s.withStore(url, s.jdbcUser(), s.jdbcPassword());
    }
    return s;
  }

  private static int hashPassword(String[] argv, InputStream in, PrintStream out, PrintStream err)
      throws IOException {
    if (argv.length > 1) {
      err.println("console: hash-password takes no arguments (the password is read, never passed on the command line)");
      return 2;
    }
    char[] password;
    Console terminal = System.console();
    if (terminal != null && in == System.in) {
      password = terminal.readPassword("password: ");
    } else {
      String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
      password = line == null ? null : line.toCharArray();
    }
    if (password == null || password.length < 8) {
      err.println("console: hash-password: the password must have at least 8 characters");
      return 2;
    }
    out.println(Passwords.hash(password));
    return 0;
  }
}
