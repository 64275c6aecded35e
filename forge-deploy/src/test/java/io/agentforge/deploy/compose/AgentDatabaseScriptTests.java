package io.agentforge.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose/postgres/initdb against a real PostgreSQL 17 (the Compose file's major version), then the agent's
 * own Flyway migrations as the agent's user, as the agent runs them: the agent gets a schema of its own and no
 * right on the registry's tables, on a new database and on one upgraded from the shared login.
 */
class AgentDatabaseScriptTests {

    private static final Path INITDB = ComposeFile.DIR.resolve("postgres/initdb");
    private static final Path AGENT_MIGRATIONS = Path.of("..", "forge-agent", "src", "main", "resources", "db", "agent")
            .toAbsolutePath()
            .normalize();

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    /** What PostgreSQL's entrypoint runs as the superuser: the .sql file, then the password script's SQL. */
    private static void runInitScripts(String database) throws SQLException {
        try (Connection connection = superuser(database);
                Statement statement = connection.createStatement()) {
            statement.execute(ComposeFile.read(INITDB.resolve("10-agent-schema.sql")));
            statement.execute(passwordStatement("s3cret-agent-password"));
        }
    }

    /** The heredoc of 20-agent-password.sh with the psql variable filled in, as psql would quote it. */
    private static String passwordStatement(String password) {
        Matcher heredoc = Pattern.compile("(?s)<<'SQL'\n(.*?)\nSQL\n")
                .matcher(ComposeFile.read(INITDB.resolve("20-agent-password.sh")));
        assertThat(heredoc.find())
                .as("20-agent-password.sh feeds psql a heredoc")
                .isTrue();
        assertThat(heredoc.group(1)).contains(":'password'");
        return heredoc.group(1).replace(":'password'", "'" + password.replace("'", "''") + "'");
    }

    private static Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection(postgres.getJdbcUrl("postgres", database));
    }

    /** The agent's connection as Compose configures it: user agent, currentSchema=agent. */
    private static Connection agent(String database) throws SQLException {
        return DriverManager.getConnection(agentUrl(database), "agent", "s3cret-agent-password");
    }

    private static String agentUrl(String database) {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + database + "?currentSchema=agent";
    }

    /** The agent's Flyway settings (forge-agent application.yml), as the agent's user. */
    private static Flyway agentFlyway(String database) {
        return Flyway.configure()
                .dataSource(agentUrl(database), "agent", "s3cret-agent-password")
                .locations("filesystem:" + AGENT_MIGRATIONS)
                .table("agent_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
    }

    private static void createDatabaseWithRegistryTable(String database) throws SQLException {
        try (Connection connection = superuser("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        try (Connection connection = superuser(database);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE api_keys (key_id text PRIMARY KEY, roles text NOT NULL)");
            statement.execute("INSERT INTO api_keys VALUES ('bootstrap', 'admin')");
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void onANewDatabaseTheAgentMigratesIntoItsOwnSchemaAndCannotTouchTheRegistrysTables() throws SQLException {
        createDatabaseWithRegistryTable("fresh");
        runInitScripts("fresh");

        assertThat(agentFlyway("fresh").migrate().migrationsExecuted).isPositive();

        try (Connection connection = superuser("fresh")) {
            assertThat(
                            count(
                                    connection,
                                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'agent'"
                                            + " AND tablename IN ('conversations', 'conversation_turns', 'agent_schema_history')"))
                    .isEqualTo(3);
            assertThat(count(
                            connection,
                            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" + " AND tableowner = 'agent'"))
                    .isZero();
        }
        try (Connection connection = agent("fresh");
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO conversations VALUES ('c-1', 'key:alice', 't', now(), now())");
            assertThat(count(connection, "SELECT count(*) FROM conversations")).isEqualTo(1);
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM public.api_keys"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("INSERT INTO public.api_keys VALUES ('evil', 'admin')"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("CREATE TABLE public.squat (id int)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
        try (Connection connection = superuser("fresh")) {
            assertThat(count(connection, "SELECT count(*) FROM api_keys")).isEqualTo(1);
        }
    }

    @Test
    void anUpgradedDatabaseKeepsItsConversationsInTheAgentsSchemaAndTheScriptsRunAgain() throws SQLException {
        createDatabaseWithRegistryTable("upgraded");
        // Before: the agent shared the registry's login and migrated into public.
        Flyway.configure()
                .dataSource(postgres.getJdbcUrl("postgres", "upgraded"), "postgres", "")
                .locations("filesystem:" + AGENT_MIGRATIONS)
                .table("agent_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        try (Connection connection = superuser("upgraded");
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO conversations VALUES ('c-old', 'key:bob', 'kept', now(), now())");
        }

        runInitScripts("upgraded");
        runInitScripts("upgraded");

        assertThat(agentFlyway("upgraded").migrate().migrationsExecuted)
                .as("the moved history is found")
                .isZero();
        try (Connection connection = agent("upgraded")) {
            assertThat(count(connection, "SELECT count(*) FROM conversations WHERE id = 'c-old'"))
                    .isEqualTo(1);
            assertThatThrownBy(() -> count(connection, "SELECT count(*) FROM public.api_keys"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
        try (Connection connection = superuser("upgraded")) {
            assertThat(count(
                            connection,
                            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                                    + " AND tablename LIKE 'conversation%'"))
                    .isZero();
        }
    }
}
