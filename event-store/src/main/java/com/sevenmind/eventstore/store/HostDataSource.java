package com.sevenmind.eventstore.store;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A host's DataSource, lent to the store: while the store holds a connection, the store's schema alone is on its
 * search path (the store's SQL names its tables unqualified); when the store gives it back, the host's search path is
 * set again and a LISTEN of the store's ended, so the host's pool gets its connection as it lent it.
 */
final class HostDataSource implements DataSource {

    private final DataSource host;
    private final String schema;

    HostDataSource(DataSource host, String schema) {
        this.host = host;
        this.schema = schema;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return lent(host.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return lent(host.getConnection(user, password));
    }

    private Connection lent(Connection connection) throws SQLException {
        String hostPath;
        // One round trip each way: the store takes a connection for every piece of work.
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT current_setting('search_path'); SET search_path TO " + schema);
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                hostPath = rs.getString(1);
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        giveBack(connection, hostPath);
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Restores what the store changed, then returns the connection to the host's pool, even when that fails. */
    private static void giveBack(Connection connection, String hostPath) throws SQLException {
        try (connection) {
            if (connection.isClosed()) {
                return;
            }
            if (!connection.getAutoCommit()) {
                connection.rollback(); // what is not committed at close is abandoned: the restore must not be
            }
            try (Statement s = connection.createStatement()) {
                s.execute("UNLISTEN *; SELECT set_config('search_path', '" + hostPath.replace("'", "''")
                        + "', false)");
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return host.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        host.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        host.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return host.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return host.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return host.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return host.isWrapperFor(type);
    }
}
