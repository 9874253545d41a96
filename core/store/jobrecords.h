#pragma once

#include <QDateTime>
#include <QString>
#include <QUuid>

#include "domain/job.h"

namespace ServeDeck {

// A job's stored answer: the body is in the row, or (large) in a file of the results folder,
// named here relative to it.
struct JobStoredResult
{
    int status = 0;  // 0: no answer (clears one)
    JobHeaders headers;
    QByteArray body;  // empty when the body is in file
    QString file;     // "<id>.body", empty: in the row
    qint64 bytes = 0;
};

// What the statistics read of one final job.
struct JobStatsSample
{
    QUuid endpointId;
    QString endpointName;
    QString modelVersion;
    JobState state = JobState::Succeeded;
    QDateTime queuedAt, startedAt, finishedAt;
    int attempts = 0;
};

// A final job that retention deletes, and its answer's file (empty: none).
struct JobFileRef
{
    QString id;
    QUuid endpointId;
    JobState state = JobState::Succeeded;
    QString file;
};

} // namespace ServeDeck
