package org.probity.console.ingest;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;

/**
 * Fans the console's live changes out to the open browser streams. Each stream has a bounded
 * queue: a browser that stops reading is cut off rather than holding memory, and its page
 * reconnects and reloads its snapshot on its own.
 */
public final class Broadcaster {
  /** One server-sent event. */
  public record Message(String event, String data) {}

  /** One browser's stream. */
  public final class Subscription implements AutoCloseable {
    private final BlockingQueue<Message> queue = new ArrayBlockingQueue<>(QUEUE);
    private volatile boolean overflowed;

    /** The next message, or null after {@code millis} without one. */
    public Message next(long millis) throws InterruptedException {
      return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** True once this browser fell so far behind that it must reload. */
    public boolean overflowed() {
      return overflowed;
    }

    @Override
    public void close() {
      subscriptions.remove(this);
    }
  }

  private static final int QUEUE = 2000;
  private final Set<Subscription> subscriptions = new CopyOnWriteArraySet<>();
  private final int maxSubscriptions;

  public Broadcaster(int maxSubscriptions) {
    this.maxSubscriptions = maxSubscriptions;
  }

  /** A new stream, or null when the console already serves as many as it allows. */
  public Subscription subscribe() {
    if (subscriptions.size() >= maxSubscriptions) {
      return null;
    }
    Subscription s = new Subscription();
    subscriptions.add(s);
    return s;
  }

  public void publish(String event, String data) {
    Message m = new Message(event, data);
    for (Subscription s : subscriptions) {
      if (!s.queue.offer(m)) {
        s.overflowed = true;
        s.close();
      }
    }
  }
}
