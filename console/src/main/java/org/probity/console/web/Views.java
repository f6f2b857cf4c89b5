package org.probity.console.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.probity.connectors.json.AvroJson;
import org.probity.console.ingest.UnitBoard;
import org.probity.console.store.Ack;
import org.probity.console.store.AlertStep;
import org.probity.console.store.StoredAlert;
import org.probity.console.store.StoredEvent;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.Alert;
import org.probity.schema.UnitStatus;

/**
 * The JSON the page reads: an alert is its contract JSON (the same field names) plus what the
 * console knows around it: the unit's and people's names, first seen, acknowledgement.
 */
final class Views {
  static final ObjectMapper JSON = new ObjectMapper();

  private final AvroJson avroJson;
  private final UnitBoard board;
  private final ReferenceData reference;

  Views(AvroJson avroJson, UnitBoard board, ReferenceData reference) {
    this.avroJson = avroJson;
    this.board = board;
    this.reference = reference;
  }

  String time(Instant t) {
    return t == null ? null : avroJson.formatTime(t);
  }

  private ObjectNode contract(Alert a) {
    try {
      return (ObjectNode) JSON.readTree(avroJson.write(a));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ObjectNode alert(StoredAlert s) {
    Alert a = s.alert();
    ObjectNode n = contract(a);
    n.put("unitName", board.name(a.getUnitId()));
    ArrayNode persons = n.putArray("persons");
    for (String id : a.getPersonIds()) {
      ReferenceData.Person p = reference.person(id);
      ObjectNode person = persons.addObject().put("id", id);
      if (p != null) {
        person.put("name", p.name()).put("role", p.role());
      }
    }
    n.put("firstEventTime", time(s.firstEventTime()));
    n.put("receivedAt", time(s.receivedAt()));
    n.put("version", s.version());
    n.put("needsAck", s.needsAck());
    n.put("open", s.open());
    n.put("closedAt", time(s.closedAt()));
    n.put("closedBy", s.closedBy());
    if (s.latestAck() != null) {
      n.set("ack", ack(s.latestAck()));
    } else {
      n.putNull("ack");
    }
    return n;
  }

  ObjectNode ack(Ack a) {
    ObjectNode n = JSON.createObjectNode();
    n.put("username", a.username());
    n.put("displayName", a.displayName());
    n.put("at", time(a.at()));
    n.put("severity", a.severity().name());
    n.put("status", a.status().name());
    n.put("note", a.note());
    return n;
  }

  ObjectNode tile(UnitBoard.Tile t) {
    ObjectNode n = JSON.createObjectNode();
    n.put("unitId", t.unitId());
    n.put("name", t.name());
    UnitStatus s = t.status();
    if (s == null) {
      n.putNull("colour");
      n.putNull("score");
      n.putNull("grade");
      n.putNull("asOf");
    } else {
      n.put("colour", s.getColour().name());
      n.put("score", s.getScore());
      n.put("grade", s.getGrade().name());
      n.put("asOf", time(s.getAsOf()));
      // The index's own count is of its window; the tile shows the console's, which the feed and notice share.
      n.put("indexOpenAlerts", s.getOpenAlerts());
    }
    n.put("openAlerts", t.consoleOpenAlerts());
    return n;
  }

  ArrayNode tiles(List<UnitBoard.Tile> tiles) {
    ArrayNode out = JSON.createArrayNode();
    tiles.forEach(t -> out.add(tile(t)));
    return out;
  }

  ArrayNode alerts(List<StoredAlert> alerts) {
    ArrayNode out = JSON.createArrayNode();
    alerts.forEach(a -> out.add(alert(a)));
    return out;
  }

  ObjectNode detail(StoredAlert s, List<AlertStep> steps, List<Ack> acks, List<String> evidenceIds,
      Map<String, StoredEvent> events) {
    ObjectNode n = JSON.createObjectNode();
    n.set("alert", alert(s));
    ArrayNode stepNodes = n.putArray("steps");
    for (AlertStep step : steps) {
      ObjectNode sn = contract(step.alert());
      sn.put("receivedAt", time(step.receivedAt()));
      stepNodes.add(sn);
    }
    ArrayNode ackNodes = n.putArray("acks");
    acks.forEach(a -> ackNodes.add(ack(a)));
    ArrayNode evidence = n.putArray("evidence");
    for (String id : evidenceIds) {
      ObjectNode e = evidence.addObject().put("eventId", id);
      StoredEvent stored = events.get(id);
      e.put("found", stored != null);
      if (stored != null) {
        e.put("stream", stored.stream());
        e.put("eventTime", time(stored.eventTime()));
        try {
          e.set("record", JSON.readTree(stored.json()));
        } catch (IOException ex) {
          throw new UncheckedIOException(ex);
        }
      }
    }
    return n;
  }
}
