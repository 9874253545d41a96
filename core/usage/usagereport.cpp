#include "usagereport.h"

#include <QJsonArray>

namespace ServeDeck {

namespace {

QJsonValue optionalValue(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

QJsonValue optionalValue(const std::optional<qint64> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

QJsonObject figuresJson(const UsageFigures &f)
{
    QJsonObject gpus;
    for (auto it = f.gpuHoursByDevice.cbegin(); it != f.gpuHoursByDevice.cend(); ++it)
        gpus.insert(it.key(), it.value());
    return {{QStringLiteral("replica_hours"), f.replicaHours},
            {QStringLiteral("cpu_hours"), f.cpuHours},
            {QStringLiteral("memory_gib_hours"), f.memoryGiBHours},
            {QStringLiteral("gpu_hours"), f.gpuHours()},
            {QStringLiteral("gpu_hours_by_device"), gpus},
            {QStringLiteral("requests"), optionalValue(f.requests)},
            {QStringLiteral("errors"), optionalValue(f.errors)},
            {QStringLiteral("cost"), optionalValue(f.cost)}};
}

QString number(double v)
{
    return QString::number(v, 'f', 4);
}

// RFC 4180: a field with a separator, quote or line break is quoted, quotes doubled.
// A text a spreadsheet would run as a formula is prefixed with a quote, so a model version such
// as "=cmd()" stays text.
QString csvField(const QString &input)
{
    QString text = input;
    if (!text.isEmpty() && QStringLiteral("=+-@\t\r").contains(text.front()))
        text.prepend(u'\'');
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

QString csvRow(const QString &revision, const QString &numberText, const QString &version, const UsageFigures &f,
               const QString &currency)
{
    QStringList devices;
    for (auto it = f.gpuHoursByDevice.cbegin(); it != f.gpuHoursByDevice.cend(); ++it)
        devices << it.key() + u'=' + number(it.value());
    const QStringList fields{csvField(revision),
                             numberText,
                             csvField(version),
                             number(f.replicaHours),
                             number(f.cpuHours),
                             number(f.memoryGiBHours),
                             number(f.gpuHours()),
                             csvField(devices.join(u';')),
                             f.requests ? QString::number(*f.requests) : QString(),
                             f.errors ? QString::number(*f.errors) : QString(),
                             f.cost ? number(*f.cost) : QString(),
                             f.cost ? currency : QString()};
    return fields.join(u',') + u'\n';
}

} // namespace

double UsageFigures::gpuHours() const
{
    double sum = 0;
    for (double h : gpuHoursByDevice)
        sum += h;
    return sum;
}

QJsonObject UsageReport::toJson() const
{
    QJsonArray rows;
    for (const UsageRevisionRow &r : revisions) {
        QJsonObject row = figuresJson(r.figures);
        row.insert(QStringLiteral("revision_id"),
                   r.revisionId.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(r.revisionId.toString(QUuid::WithoutBraces)));
        row.insert(QStringLiteral("revision"), r.number);
        row.insert(QStringLiteral("model_version"), r.modelVersion);
        rows.append(row);
    }
    QJsonArray rps, replicas, samples;
    for (int i = 0; i < kHoursOfWeek; ++i) {
        rps.append(optionalValue(requestsPerSecondByHour.value(i)));
        replicas.append(optionalValue(replicasByHour.value(i)));
        samples.append(samplesByHour.value(i));
    }
    return {{QStringLiteral("endpoint_id"), endpointId.toString(QUuid::WithoutBraces)},
            {QStringLiteral("endpoint"), endpointName},
            {QStringLiteral("since"), since.toUTC().toString(Qt::ISODate)},
            {QStringLiteral("until"), until.toUTC().toString(Qt::ISODate)},
            {QStringLiteral("prices"),
             QJsonObject{{QStringLiteral("cpu_hour"), optionalValue(prices.cpuHour)},
                         {QStringLiteral("gpu_hour"), optionalValue(prices.gpuHour)},
                         {QStringLiteral("currency"), prices.currency}}},
            {QStringLiteral("revisions"), rows},
            {QStringLiteral("total"), figuresJson(total)},
            {QStringLiteral("hour_of_week"),
             QJsonObject{{QStringLiteral("time_zone"), timeZone},
                         {QStringLiteral("first_cell"), QStringLiteral("Monday 00:00")},
                         {QStringLiteral("weeks"), weeks},
                         {QStringLiteral("requests_per_second"), rps},
                         {QStringLiteral("replicas"), replicas},
                         {QStringLiteral("samples"), samples}}}};
}

QByteArray UsageReport::toCsv() const
{
    QString out = QStringLiteral("revision,revision_number,model_version,replica_hours,cpu_hours,memory_gib_hours,"
                                 "gpu_hours,gpu_hours_by_device,requests,errors,cost,currency\n");
    for (const UsageRevisionRow &r : revisions)
        out += csvRow(r.revisionId.isNull() ? QString() : r.revisionId.toString(QUuid::WithoutBraces),
                      QString::number(r.number), r.modelVersion, r.figures, prices.currency);
    out += csvRow(QStringLiteral("total"), QString(), QString(), total, prices.currency);
    return out.toUtf8();
}

} // namespace ServeDeck
