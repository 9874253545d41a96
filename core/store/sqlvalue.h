#pragma once

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QUuid>
#include <QVariant>

#include "domain/result.h"

// How the repository files turn values into SQL binds and back: times as UTC milliseconds, ids
// without braces, and which empty values are stored as NULL; and one statement run with its binds.
// Internal to core/store.
namespace ServeDeck::SqlValue {

// An invalid time is NULL.
inline QVariant ms(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(QMetaType::fromType<qint64>());
}

inline QDateTime fromMs(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

inline QString idText(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

inline QVariant idOrNull(const QUuid &id)
{
    return id.isNull() ? QVariant(QMetaType::fromType<QString>()) : QVariant(idText(id));
}

inline QVariant textOrNull(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
}

// A null QString binds as SQL NULL; a NOT NULL text column wants ''.
inline QVariant nonNullText(const QString &s)
{
    return s.isNull() ? QVariant(QStringLiteral("")) : QVariant(s);
}

// Prepares and runs `sql` with `binds` on `connection`; a failure is a StorageError that names
// `area` and carries SQLite's code.
inline Result<QSqlQuery> exec(const QString &connection, const QString &area, const QString &sql,
                              const QVariantList &binds)
{
    QSqlQuery q(QSqlDatabase::database(connection, false));
    q.setForwardOnly(true);
    // Without binds, run as it is: QPSQL's prepared statement costs two more round trips.
    bool ok = binds.isEmpty() ? q.exec(sql) : q.prepare(sql);
    if (ok && !binds.isEmpty()) {
        for (const QVariant &b : binds)
            q.addBindValue(b);
        ok = q.exec();
    }
    if (!ok)
        return makeError(ErrorType::StorageError, QStringLiteral("%1: %2").arg(area, q.lastError().text()),
                         {{QStringLiteral("native_code"), q.lastError().nativeErrorCode()}});
    return q;
}

} // namespace ServeDeck::SqlValue
