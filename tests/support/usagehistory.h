#pragma once

// Synthetic usage for the recommendation suites: minute samples an endpoint's store would hold,
// generated, so no test waits for a week of load.
#include <QList>
#include <QTimeZone>
#include <QUuid>

#include "domain/usagesample.h"

namespace UsageHistory {

// Fourteen days of minutes ending at today's midnight (UTC): weekdays 09:00-18:00 at 40 requests/s
// with `peak` replicas from 09:06 (fewer before), 2 requests/s on 1 replica otherwise.
inline QList<ServeDeck::UsageSample> officeHours(const QUuid &endpointId, int peak)
{
    const QDateTime end(QDateTime::currentDateTimeUtc().date(), QTime(0, 0), Qt::UTC);
    const QDateTime from = end.addDays(-14);
    QList<ServeDeck::UsageSample> out;
    for (QDateTime t = from; t < end; t = t.addSecs(60)) {
        ServeDeck::UsageSample s;
        s.endpointId = endpointId;
        s.start = t;
        s.seconds = 60;
        const int minute = t.time().hour() * 60 + t.time().minute();
        const bool busy = t.date().dayOfWeek() <= 5 && minute >= 9 * 60 && minute < 18 * 60;
        const int into = minute - 9 * 60;
        s.requestsPerSecond = busy ? 40 : 2;
        s.requests = qint64(s.requestsPerSecond * 60);
        s.desiredReplicas = !busy ? 1 : into < 3 ? 1 : into < 6 ? std::max(1, peak - 1) : peak;
        s.replicas = s.desiredReplicas;
        s.p95Ms = busy && into < 6 ? 320.0 : 60.0;
        out << s;
    }
    return out;
}

} // namespace UsageHistory
