#include "parentprocess.h"

#include <QByteArray>
#include <QFile>
#include <QList>

namespace ServeDeck {

qint64 parentProcessId(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.read(4096);
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const qsizetype close = text.lastIndexOf(')');
    if (close < 0)
        return 0;
    const QList<QByteArray> fields = text.mid(close + 1).trimmed().split(' ');
    return fields.size() >= 2 ? fields[1].toLongLong() : 0;
}

} // namespace ServeDeck
