package org.probity.jobs.generate;

import java.time.LocalDate;
import org.probity.jobs.config.ReferenceData;

/** One stream's synthetic traffic: each day, starts that day's subjects for one unit, clean or planted. */
public interface TrafficPlanter {
  void plantDay(LocalDate day, ReferenceData.Unit unit, GenContext ctx);
}
