package io.agentforge.registry.web;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Tells a database that can't be reached (down, restarting, partitioned away, pool exhausted) from a real bug. */
public final class DatabaseFailures {

    private DatabaseFailures() {}

    /**
     * Whether {@code failure} is only a connection pool that had no free connection in time: the pool's timeout
     * (Hikari's "Connection is not available") with no failure to connect behind it. Hikari attaches the last
     * failure to open a connection to that timeout, so one without it means every pooled connection was taken. It
     * proves the database refused nothing, not that it answers: a partition can hold every pooled connection in a
     * call that hangs, too.
     */
    public static boolean poolBusy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException timeout
                    && timeout.getCause() == null
                    && timeout.getNextException() == null
                    && String.valueOf(timeout.getMessage()).contains("Connection is not available")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code failure} or one of its causes says the database could not be reached or dropped the connection:
     * the request may be retried as it is.
     */
    public static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessResourceFailureException
                    || t instanceof TransientDataAccessException
                    || t instanceof RecoverableDataAccessException
                    // Opening a transaction is the first thing a write does: it fails this way without a connection.
                    || t instanceof CannotCreateTransactionException
                    || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            // A write whose connection broke fails its rollback too; the rollback failure hides the first one.
            if (t instanceof TransactionSystemException tx
                    && tx.getApplicationException() != null
                    && tx.getApplicationException() != failure
                    && unreachable(tx.getApplicationException())) {
                return true;
            }
            // 08: connection exception; 57P01-57P03: the server is shutting down, crashed or is still starting.
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P")) {
                    return true;
                }
            }
        }
        return false;
    }
}
