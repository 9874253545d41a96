#include "capacity.h"

#include <QFile>
#include <QJsonObject>
#include <QRegularExpression>
#include <QThread>

#include "agent/gpudiscovery.h"

namespace ServeDeck {

Capacity Capacity::detectLocal()
{
    return detectLocal(GpuDiscovery::discover());
}

Capacity Capacity::detectLocal(const QList<GpuInfo> &gpus)
{
    Capacity c;
    c.total.cpu = QThread::idealThreadCount();
    QFile meminfo(QStringLiteral("/proc/meminfo"));
    if (meminfo.open(QIODevice::ReadOnly)) {
        static const QRegularExpression re(QStringLiteral("^MemTotal:\\s+(\\d+) kB"),
                                           QRegularExpression::MultilineOption);
        const auto m = re.match(QString::fromLatin1(meminfo.readAll()));
        if (m.hasMatch())
            c.total.memoryBytes = m.captured(1).toLongLong() * 1024;
    }
    c.total.gpu = double(gpus.size());
    return c;
}

Result<Capacity> Capacity::parse(const QString &spec, const Capacity &base)
{
    QJsonObject slots = base.total.toJson();
    for (const QString &part : spec.split(u',', Qt::SkipEmptyParts)) {
        const auto kv = part.split(u'=');
        if (kv.size() != 2)
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("capacity: '%1' is not key=value (example: cpu=16,memory=64G)").arg(part));
        slots.insert(kv[0].trimmed(), kv[1].trimmed());
    }
    auto parsed = ResourceSlots::fromJson(slots);
    if (!parsed)
        return parsed.error();
    return Capacity{*parsed};
}

} // namespace ServeDeck
