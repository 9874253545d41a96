#include "displayformat.h"

#include <cmath>

#include <QCoreApplication>
#include <QHash>

#include "domain/errorrecord.h"

namespace ServeDeck::DisplayFormat {

QString time(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
}

QString shortId(const QString &id)
{
    QString bare = id;
    bare.remove(u'{').remove(u'}');
    return bare.left(8);
}

QString shortId(const QUuid &id)
{
    return shortId(id.toString(QUuid::WithoutBraces));
}

QString signal(int number)
{
    static const QHash<int, QString> names{
        {1, QStringLiteral("SIGHUP")},  {2, QStringLiteral("SIGINT")},   {3, QStringLiteral("SIGQUIT")},
        {4, QStringLiteral("SIGILL")},  {6, QStringLiteral("SIGABRT")},  {7, QStringLiteral("SIGBUS")},
        {8, QStringLiteral("SIGFPE")},  {9, QStringLiteral("SIGKILL")},  {11, QStringLiteral("SIGSEGV")},
        {13, QStringLiteral("SIGPIPE")}, {14, QStringLiteral("SIGALRM")}, {15, QStringLiteral("SIGTERM")},
    };
    const QString name = names.value(number);
    return name.isEmpty() ? QString::number(number) : QStringLiteral("%1 (%2)").arg(name).arg(number);
}

QString exitStatus(const ErrorRecord &record)
{
    if (record.signal)
        return signal(*record.signal);
    if (record.exitCode)
        return QCoreApplication::translate("ServeDeck::DisplayFormat", "exit %1").arg(*record.exitCode);
    return {};
}

QString duration(qint64 seconds)
{
    if (seconds != 0 && seconds % 86400 == 0)
        return QCoreApplication::translate("ServeDeck::DisplayFormat", "%1 d").arg(seconds / 86400);
    if (seconds != 0 && seconds % 3600 == 0)
        return QCoreApplication::translate("ServeDeck::DisplayFormat", "%1 h").arg(seconds / 3600);
    if (seconds != 0 && seconds % 60 == 0)
        return QCoreApplication::translate("ServeDeck::DisplayFormat", "%1 min").arg(seconds / 60);
    return QCoreApplication::translate("ServeDeck::DisplayFormat", "%1 s").arg(seconds);
}

QString bytes(qint64 bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = double(bytes);
    int unit = 0;
    while (std::abs(value) >= 1024.0 && unit < 4) {
        value /= 1024.0;
        ++unit;
    }
    // Whole numbers where the unit is small next to the value; one decimal below 100 otherwise.
    const bool whole = unit == 0 || std::abs(value) >= 100.0 || value == std::floor(value);
    return QStringLiteral("%1 %2").arg(QString::number(value, 'f', whole ? 0 : 1), QLatin1String(units[unit]));
}

QString cores(double cores)
{
    QString text = QString::number(cores, 'f', 2);
    while (text.contains(u'.') && (text.endsWith(u'0') || text.endsWith(u'.')))
        text.chop(1);
    return text;
}

} // namespace ServeDeck::DisplayFormat
