package io.agentforge.registry.instance;

import static io.agentforge.registry.instance.JdbcValues.instant;
import static io.agentforge.registry.instance.JdbcValues.utc;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.Instance;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The change feed of {@link JdbcInstanceStore}: the {@code change_events} table, its pruning, and the
 * {@code NOTIFY agentforge_events} that tells other replicas about a write.
 */
final class JdbcChangeLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JdbcChangeLog.class);
    private static final String CHANNEL = "agentforge_events";
    // Past this many own events still kept, further ones count as foreign: a cache miss, never a stale answer.
    private static final int MAX_WRITTEN_HERE = 100_000;

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final JsonMapper mapper;
    private final int retention;
    private final AtomicLong lastEventId = new AtomicLong();
    /**
     * Ids of the retained events this replica wrote: reading them back invalidates nothing, however often and by
     * whichever reader (the feed, incremental fetches, the agent-card fetcher) they are read.
     */
    private final Set<Long> writtenHere = ConcurrentHashMap.newKeySet();

    private volatile Runnable externalChangeListener = () -> {};
    private volatile Runnable localChangeListener = () -> {};
    private volatile boolean closed;
    private volatile Thread notificationListener;

    JdbcChangeLog(DataSource dataSource, JdbcTemplate jdbc, JsonMapper mapper, int retention) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.retention = retention;
        this.lastEventId.set(jdbc.queryForObject("select coalesce(max(id), 0) from change_events", Long.class));
    }

    /** Starts the thread that runs the external change listener whenever another replica announces a write. */
    void startListening() {
        this.notificationListener =
                Thread.ofPlatform().daemon().name("pg-listen").start(this::listen);
    }

    void onExternalChange(Runnable listener) {
        this.externalChangeListener = listener;
    }

    void onLocalChange(Runnable listener) {
        this.localChangeListener = listener;
    }

    /** Appends an event; must run inside the store's write lock so event ids commit in order. */
    void append(ChangeType type, Instant at, Instance instance, String keyId) {
        Long id = jdbc.queryForObject(
                "insert into change_events (type, at, instance, key_id) values (?, ?, ?::jsonb," + " ?) returning id",
                Long.class,
                type.wireName(),
                utc(at),
                instance == null ? null : mapper.writeValueAsString(instance),
                keyId);
        notifyOnCommit(id);
        // Readers of this replica may see the event only once it is committed.
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                lastEventId.accumulateAndGet(id, Math::max);
                if (writtenHere.size() < MAX_WRITTEN_HERE) {
                    writtenHere.add(id);
                }
                localChangeListener.run();
            }
        });
    }

    // One NOTIFY per transaction, with its newest event id, sent just before the commit (PostgreSQL delivers it on
    // commit): other replicas only learn that there is something to read, so a batch of writes needs one.
    private void notifyOnCommit(long id) {
        AtomicLong newest = (AtomicLong) TransactionSynchronizationManager.getResource(this);
        if (newest != null) {
            newest.accumulateAndGet(id, Math::max);
            return;
        }
        AtomicLong first = new AtomicLong(id);
        TransactionSynchronizationManager.bindResource(this, first);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                jdbc.execute("select pg_notify('" + CHANNEL + "', '" + first.get() + "')");
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(JdbcChangeLog.this);
            }
        });
    }

    List<ChangeEvent> after(long afterId, int limit) {
        return jdbc.query(
                "select * from change_events where id > ? order by id limit ?",
                (rs, n) -> {
                    String instance = rs.getString("instance");
                    return new ChangeEvent(
                            rs.getLong("id"),
                            ChangeType.fromWire(rs.getString("type")),
                            instant(rs, "at"),
                            instance == null ? null : mapper.readValue(instance, Instance.class),
                            rs.getString("key_id"));
                },
                afterId,
                limit);
    }

    /** Whether this replica wrote the event. */
    boolean writtenHere(long eventId) {
        return writtenHere.contains(eventId);
    }

    /** Records that this replica has read the event with that id. */
    void seen(long eventId) {
        lastEventId.accumulateAndGet(eventId, Math::max);
    }

    long lastEventId() {
        return lastEventId.get();
    }

    long oldestEventId() {
        Long oldest = jdbc.queryForObject("select min(id) from change_events", Long.class);
        return oldest == null ? lastEventId() + 1 : oldest;
    }

    void pruneSafely() {
        long pruned = lastEventId() - retention;
        writtenHere.removeIf(id -> id <= pruned);
        try {
            jdbc.update("delete from change_events where id <= ?", pruned);
        } catch (RuntimeException e) {
            log.warn("Pruning the change feed failed", e);
        }
    }

    private void listen() {
        while (!closed) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null && notifications.length > 0) {
                        externalChangeListener.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                log.warn("Listening for registry changes failed ({}); reconnecting", e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread listener = notificationListener;
        if (listener != null) {
            listener.interrupt();
        }
    }
}
