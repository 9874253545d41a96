#pragma once

#include <QDateTime>
#include <QString>
#include <QUuid>
#include <QVariant>

// How the repository files turn values into SQL binds and back: times as UTC milliseconds, ids
// without braces, and which empty values are stored as NULL. Internal to core/store.
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

} // namespace ServeDeck::SqlValue
