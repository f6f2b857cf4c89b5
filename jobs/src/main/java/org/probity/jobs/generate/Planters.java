package org.probity.jobs.generate;

import java.util.List;

/** The planters of every stream, in a fixed order (the order matters for determinism). */
public final class Planters {
  private Planters() {}

  public static List<TrafficPlanter> all() {
    return List.of(new ApprovalTraffic(), new PaymentTraffic(), new ProcurementTraffic(), new DecisionTraffic(),
        new ApprovalConflictTraffic());
  }
}
