package io.agentforge.registry.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

class DatabaseFailuresTests {

    @Test
    void aDatabaseThatCantBeReachedIsToldFromABug() {
        // What a write (deregistration) throws when the pool has no connection to give.
        assertThat(DatabaseFailures.unreachable(new CannotCreateTransactionException(
                        "Could not open JDBC Connection for transaction",
                        new SQLTransientConnectionException("HikariPool-1 - Connection is not available"))))
                .isTrue();
        assertThat(DatabaseFailures.unreachable(
                        new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection")))
                .isTrue();
        // The server shutting down under an open connection, as the driver reports it untranslated.
        assertThat(DatabaseFailures.unreachable(new IllegalStateException(
                        "wrapped", new SQLException("terminating connection due to administrator command", "57P01"))))
                .isTrue();
        assertThat(DatabaseFailures.unreachable(new SQLException("An I/O error occurred", "08006")))
                .isTrue();
        // PostgreSQL shut down mid-transaction: the rollback fails on the closed connection and hides the first
        // failure.
        TransactionSystemException rollbackFailed =
                new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        rollbackFailed.initApplicationException(
                new DataAccessResourceFailureException("terminating connection due to administrator command"));
        assertThat(DatabaseFailures.unreachable(rollbackFailed)).isTrue();
        assertThat(DatabaseFailures.unreachable(new TransactionSystemException(
                        "JDBC rollback failed", new SQLException("Connection is closed"))))
                .isFalse();

        assertThat(DatabaseFailures.unreachable(
                        new BadSqlGrammarException("select", "select nonsense", new SQLException())))
                .isFalse();
        assertThat(DatabaseFailures.unreachable(new DataIntegrityViolationException("duplicate key")))
                .isFalse();
        assertThat(DatabaseFailures.unreachable(new IllegalStateException("a bug")))
                .isFalse();
    }
}
