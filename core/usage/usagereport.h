#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QUuid>

#include "domain/result.h"
#include "domain/usageprices.h"

namespace ServeDeck {

// What one revision (or the endpoint in total) reserved and served over a report's window.
struct UsageFigures
{
    double replicaHours = 0;
    double cpuHours = 0;        // cores x hours
    double memoryGiBHours = 0;  // GiB x hours
    QMap<QString, double> gpuHoursByDevice;  // "agent:index" (or "unassigned") -> share x hours
    // Counted per route, summed per revision; none only in a report from before they were.
    std::optional<qint64> requests;
    std::optional<qint64> errors;
    std::optional<double> cost;  // none without any price

    double gpuHours() const;
};

struct UsageRevisionRow
{
    QUuid revisionId;  // null: routes that had none
    int number = 0;
    QString modelVersion;
    UsageFigures figures;
};

// An endpoint's usage over [since, until]: per revision and in total, and its hour-of-week
// matrix (168 cells, Monday 00:00 first, in `timeZone`) of mean requests/s and replicas over the
// last `weeks` weeks.
struct UsageReport
{
    static constexpr int kHoursOfWeek = 168;

    QUuid endpointId;
    QString endpointName;
    QDateTime since;
    QDateTime until;
    UsagePrices prices;
    QList<UsageRevisionRow> revisions;
    UsageFigures total;
    QString timeZone;  // IANA id
    int weeks = 1;
    QList<std::optional<double>> requestsPerSecondByHour;  // kHoursOfWeek cells; none without samples
    QList<std::optional<double>> replicasByHour;
    QList<int> samplesByHour;

    QJsonObject toJson() const;
    // What toJson() wrote, read back (a client's CSV from the API's JSON); InvalidArgument for
    // anything else.
    static Result<UsageReport> fromJson(const QJsonObject &json);
    // One row per revision and one "total" row; what the REST route and the console export.
    QByteArray toCsv() const;
};

} // namespace ServeDeck
