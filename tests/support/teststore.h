#pragma once

#include <memory>

#include <QCoreApplication>
#include <QTemporaryDir>

#include "support/postgresserver.h"

// Which store a suite runs on. A suite registered with servedeck_add_pg_variant() runs twice:
// as test_x on SQLite files, and as test_x_pg (SERVEDECK_TEST_STORE=postgresql) on a PostgreSQL
// server started once for the whole process, each location() a database of its own.
class TestStore final
{
public:
    static bool usePostgres() { return qgetenv("SERVEDECK_TEST_STORE") == "postgresql"; }

    // A SQLite file in dir, or a fresh database's URL; empty when the server or the database could
    // not be had (lastError() says why): QVERIFY2(!location.isEmpty(), qPrintable(lastError())).
    static QString location(const QTemporaryDir &dir, const QString &fileName = QStringLiteral("servedeck.db"))
    {
        if (!usePostgres())
            return dir.filePath(fileName);
        PostgresServer *pg = server();
        if (!pg)
            return {};
        QString error;
        const QString database = pg->createUniqueDatabase(&error);
        if (database.isEmpty()) {
            state().error = QStringLiteral("cannot create a database: ") + error;
            return {};
        }
        return pg->url(database);
    }

    // The process-wide server (started on first use), or nullptr when it cannot start or the
    // suite runs on SQLite. For tests that stop, kill or restart it.
    static PostgresServer *server()
    {
        if (!usePostgres())
            return nullptr;
        State &s = state();
        if (!s.server && s.error.isEmpty()) {
            auto started = std::make_unique<PostgresServer>();
            QString error;
            if (!started->start(&error)) {
                s.error = QStringLiteral("cannot start PostgreSQL: ") + error;
                return nullptr;
            }
            s.server = std::move(started);
            // Stopped while the application still runs (QProcess wants it), not at static destruction.
            qAddPostRoutine([] { state().server.reset(); });
        }
        return s.server.get();
    }

    static QString lastError() { return state().error; }

private:
    struct State
    {
        std::unique_ptr<PostgresServer> server;
        QString error;
    };
    static State &state()
    {
        static State s;
        return s;
    }
};
