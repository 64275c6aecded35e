package io.agentforge.registry.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

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

        assertThat(DatabaseFailures.unreachable(
                        new BadSqlGrammarException("select", "select nonsense", new SQLException())))
                .isFalse();
        assertThat(DatabaseFailures.unreachable(new DataIntegrityViolationException("duplicate key")))
                .isFalse();
        assertThat(DatabaseFailures.unreachable(new IllegalStateException("a bug")))
                .isFalse();
    }
}
