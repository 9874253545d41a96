#pragma once

#include <QLoggingCategory>

// The job queue's log lines, switchable with QT_LOGGING_RULES="servedeck.jobs.*=false".
Q_DECLARE_LOGGING_CATEGORY(lcJobs)
