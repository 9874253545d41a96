#include "resourceslots.h"

#include <array>
#include <cmath>

#include <QRegularExpression>

namespace ServeDeck {

namespace {

// Slot values arrive as strings ("2") in the spec but numbers are accepted too.
Result<double> slotNumber(const QJsonObject &json, const QString &key)
{
    const QJsonValue v = json.value(key);
    double n = 0;
    if (v.isDouble()) {
        n = v.toDouble();
    } else if (v.isString()) {
        bool ok = false;
        n = v.toString().trimmed().toDouble(&ok);
        if (!ok)
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("resource_slots.%1: '%2' is not a number").arg(key, v.toString()),
                             {{QStringLiteral("field"), QString(QStringLiteral("resource_slots.") + key)}});
    } else {
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("resource_slots.%1: expected a number or a numeric string").arg(key),
                         {{QStringLiteral("field"), QString(QStringLiteral("resource_slots.") + key)}});
    }
    if (!std::isfinite(n) || n < 0)
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("resource_slots.%1: must be a non-negative number").arg(key),
                         {{QStringLiteral("field"), QString(QStringLiteral("resource_slots.") + key)}});
    return n;
}

// A memory slot: bytes as a JSON number, or a size such as "4G".
Result<qint64> slotMemory(const QJsonValue &v, const QString &key)
{
    const QString field = QStringLiteral("resource_slots.") + key;
    const QJsonObject details{{QStringLiteral("field"), field}};
    qint64 bytes = 0;
    if (v.isDouble()) {
        const double value = v.toDouble();
        // Outside qint64's range the conversion is undefined behaviour: refuse first.
        if (!(std::abs(value) <= 9.0e18))
            return makeError(ErrorType::InvalidArgument,
                             value < 0 ? field + QStringLiteral(": must not be negative") : field + QStringLiteral(": too large"),
                             details);
        bytes = qint64(value);
    } else if (v.isString()) {
        auto parsed = parseMemorySize(v.toString());
        if (!parsed)
            return makeError(ErrorType::InvalidArgument, field + QStringLiteral(": ") + parsed.error().message, details);
        bytes = *parsed;
    } else {
        return makeError(ErrorType::InvalidArgument, field + QStringLiteral(": expected a size such as \"4G\""), details);
    }
    if (bytes < 0)
        return makeError(ErrorType::InvalidArgument, field + QStringLiteral(": must not be negative"), details);
    return bytes;
}

QString formatNumber(double n)
{
    return QString::number(n, 'g', 12);
}

} // namespace

Result<qint64> parseMemorySize(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([kmgtp]?)(i?b?)\\s*$"),
                                       QRegularExpression::CaseInsensitiveOption);
    const auto m = re.match(text);
    if (!m.hasMatch())
        return makeError(ErrorType::InvalidArgument,
                         QStringLiteral("'%1' is not a memory size (examples: 512M, 4G, 1TB)").arg(text));
    const double value = m.captured(1).toDouble();
    const QString unit = m.captured(2).toLower();
    int shift = 0;
    if (unit == u"k")
        shift = 10;
    else if (unit == u"m")
        shift = 20;
    else if (unit == u"g")
        shift = 30;
    else if (unit == u"t")
        shift = 40;
    else if (unit == u"p")
        shift = 50;
    const double bytes = std::ldexp(value, shift);
    if (bytes > 9.0e18)
        return makeError(ErrorType::InvalidArgument, QStringLiteral("memory size '%1' is too large").arg(text));
    return static_cast<qint64>(std::llround(bytes));
}

QString formatMemorySize(qint64 bytes)
{
    // The largest unit that divides evenly, so what is stored reads back to the same byte.
    static constexpr std::array<std::pair<int, const char *>, 5> units{
        {{50, "P"}, {40, "T"}, {30, "G"}, {20, "M"}, {10, "K"}}};
    for (const auto &[shift, suffix] : units) {
        const qint64 unit = qint64(1) << shift;
        if (bytes != 0 && bytes % unit == 0)
            return QString::number(bytes / unit) + QLatin1String(suffix);
    }
    return QString::number(bytes);
}

Result<ResourceSlots> ResourceSlots::fromJson(const QJsonObject &json)
{
    ResourceSlots slots;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString key = it.key();
        if (key == u"cpu") {
            auto n = slotNumber(json, key);
            if (!n)
                return n.error();
            slots.cpu = *n;
        } else if (key == u"memory" || key == u"mem") {
            auto bytes = slotMemory(it.value(), QStringLiteral("memory"));
            if (!bytes)
                return bytes.error();
            slots.memoryBytes = *bytes;
        } else if (key == u"gpu_memory" || key == u"cuda.mem") {
            auto bytes = slotMemory(it.value(), QStringLiteral("gpu_memory"));
            if (!bytes)
                return bytes.error();
            slots.gpuMemoryBytes = *bytes;
        } else if (key == u"gpu" || key == u"cuda.device" || key == u"cuda.shares") {
            auto n = slotNumber(json, key);
            if (!n)
                return n.error();
            slots.gpu = *n;
        } else {
            return makeError(ErrorType::InvalidArgument,
                             QStringLiteral("resource_slots.%1: unknown slot (known: cpu, memory, gpu, gpu_memory)").arg(key),
                             {{QStringLiteral("field"), QString(QStringLiteral("resource_slots.") + key)}});
        }
    }
    return slots;
}

QJsonObject ResourceSlots::toJson() const
{
    QJsonObject out{{QStringLiteral("cpu"), formatNumber(cpu)},
                    {QStringLiteral("memory"), formatMemorySize(memoryBytes)}};
    if (gpu > 0)
        out.insert(QStringLiteral("gpu"), formatNumber(gpu));
    if (gpuMemoryBytes > 0)
        out.insert(QStringLiteral("gpu_memory"), formatMemorySize(gpuMemoryBytes));
    return out;
}

ResourceSlots ResourceSlots::operator*(int replicas) const
{
    return {cpu * replicas, memoryBytes * replicas, wholeGpus() * replicas, gpuMemoryBytes * replicas};
}

ResourceSlots ResourceSlots::operator+(const ResourceSlots &o) const
{
    return {cpu + o.cpu, memoryBytes + o.memoryBytes, gpu + o.gpu, gpuMemoryBytes + o.gpuMemoryBytes};
}

ResourceSlots ResourceSlots::operator-(const ResourceSlots &o) const
{
    return {cpu - o.cpu, memoryBytes - o.memoryBytes, gpu - o.gpu, gpuMemoryBytes - o.gpuMemoryBytes};
}

bool ResourceSlots::fitsIn(const ResourceSlots &available) const
{
    // A tiny epsilon keeps fractional CPU sums (0.1 * 3) from failing on rounding.
    constexpr double eps = 1e-9;
    // GPU memory in sum only: which device a sharer lands on is GpuPlacement's question. A
    // product (slots * n) already counts sharers by memory, not by device.
    return cpu <= available.cpu + eps && memoryBytes <= available.memoryBytes && gpu <= available.gpu + eps
        && gpuMemoryBytes <= available.gpuMemoryBytes;
}

QString readableMemorySize(qint64 bytes)
{
    constexpr qint64 kGiB = qint64(1) << 30;
    constexpr qint64 kMiB = qint64(1) << 20;
    const auto trimmed = [](double value) {
        QString text = QString::number(value, 'f', 2);
        while (text.endsWith(u'0'))
            text.chop(1);
        if (text.endsWith(u'.'))
            text.chop(1);
        return text;
    };
    if (std::abs(bytes) >= kGiB)
        return trimmed(double(bytes) / double(kGiB)) + QStringLiteral(" GiB");
    if (std::abs(bytes) >= kMiB)
        return trimmed(double(bytes) / double(kMiB)) + QStringLiteral(" MiB");
    return QString::number(bytes) + QStringLiteral(" bytes");
}

} // namespace ServeDeck
