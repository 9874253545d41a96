#pragma once

#include <optional>

#include <QDateTime>
#include <QString>
#include <QUuid>

namespace ServeDeck {

struct ErrorRecord;

// How the views write times, ids and exit statuses, so every table reads the same.
namespace DisplayFormat {

// Local time to the second: operators compare it with their own logs.
QString time(const QDateTime &time);
// The first 8 hex digits: enough to tell ids apart on one screen; tooltips carry the rest.
QString shortId(const QString &id);
QString shortId(const QUuid &id);
// "SIGKILL (9)"; the number alone for a signal without a well-known name.
QString signal(int number);
// "exit 137", "SIGKILL (9)" or empty when the record has neither.
QString exitStatus(const ErrorRecord &record);
// "10 s", "5 min", "2 h", "3 d": the largest unit that divides the seconds evenly.
QString duration(qint64 seconds);
// "512 KiB", "312 MiB", "15.6 GiB": binary units, as the resource slots are given.
QString bytes(qint64 bytes);
// "8", "0.25", "1.5": CPU cores without trailing zeros.
QString cores(double cores);

} // namespace DisplayFormat

} // namespace ServeDeck
