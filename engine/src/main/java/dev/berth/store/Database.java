package dev.berth.store;

import dev.berth.common.EngineException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The daemon's metadata database: one SQLite file in WAL mode with synchronous=FULL. Each store
 * creates its own tables ({@link #ensureSchema}); every state change is one transaction
 * ({@link #transaction}), so a crash leaves either the old or the new state.
 *
 * <p>One connection, used under this object's lock: SQLite serialises writers anyway, and the
 * metadata is small.
 */
public final class Database implements AutoCloseable {
    private final Connection connection;

    public Database(Path file) {
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement st = connection.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA synchronous=FULL");
                st.execute("PRAGMA foreign_keys=ON");
                st.execute("PRAGMA busy_timeout=5000");
            }
        } catch (SQLException e) {
            throw EngineException.system(e, "open metadata database %s", file);
        }
    }

    /** Work done with the connection; may throw SQLException. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs DDL statements (CREATE TABLE IF NOT EXISTS ...). */
    public synchronized void ensureSchema(String... ddl) {
        transaction(c -> {
            try (Statement st = c.createStatement()) {
                for (String s : ddl) {
                    st.execute(s);
                }
            }
            return null;
        });
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public synchronized <T> T transaction(Work<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw EngineException.system(e, "metadata database: %s", e.getMessage());
        }
    }

    /** Runs read-only work without an explicit transaction. */
    public synchronized <T> T read(Work<T> work) {
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw EngineException.system(e, "metadata database: %s", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing at shutdown; nothing to do
        }
    }
}
