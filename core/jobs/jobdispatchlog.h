#pragma once

#include <QLoggingCategory>

// The job dispatcher's log lines, switchable with QT_LOGGING_RULES="servedeck.jobs.dispatch.*=false".
Q_DECLARE_LOGGING_CATEGORY(lcJobDispatch)
