#pragma once

#include <QString>

#include "domain/result.h"

namespace ServeDeck {

// Where the store lives: a SQLite file (the embedded default, one console) or a PostgreSQL
// database that several consoles and `serve` processes share (issue 18).
struct StoreLocation
{
    enum class Kind { Sqlite, Postgres };

    Kind kind = Kind::Sqlite;
    QString path;  // Sqlite: the database file
    // Postgres. A password is taken from the URL, but libpq's PGPASSWORD / ~/.pgpass
    // (PGPASSFILE) keep it off command lines and out of process listings.
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString database;
    QString connectOptions;  // QPSQL's: "sslmode=require;connect_timeout=5"

    // A file path, or postgresql://[user[:password]@]host[:port]/database[?sslmode=..&
    // sslrootcert=..&connect_timeout=..&application_name=..]; anything else is InvalidArgument.
    static Result<StoreLocation> parse(const QString &text);
    static StoreLocation sqlite(const QString &path);

    bool isPostgres() const { return kind == Kind::Postgres; }
    // The path, or the URL without its password: what logs and the console show.
    QString displayName() const;
    // Adds and opens a QSqlDatabase connection named connectionName (QSQLITE or QPSQL); on an
    // error the connection is removed again. The caller removes it when done.
    Result<Done> openConnection(const QString &connectionName) const;
};

} // namespace ServeDeck
