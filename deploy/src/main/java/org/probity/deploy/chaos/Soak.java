package org.probity.deploy.chaos;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code deploy/soak --kills N [--seed S]}: the chaos run at length; prints the figures, exit 1 unless exact. */
public final class Soak {
  private Soak() {}

  public static void main(String[] args) throws Exception {
    int kills = 20;
    long seed = System.currentTimeMillis();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--kills" -> kills = Integer.parseInt(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        default -> {
          System.err.println("soak: unknown option " + args[i] + " (--kills N, --seed S)");
          System.exit(2);
        }
      }
    }
    Path work = Files.createTempDirectory("probity-soak");
    System.err.println("soak: " + kills + " kills, seed " + seed + ", work in " + work);
    ChaosRun.Figures f = new ChaosRun(work, System.err).run(ChaosRun.Plan.of(kills, seed));
    System.out.println(f.summary());
    System.exit(f.exact() ? 0 : 1);
  }
}
