#pragma once

#include <QLoggingCategory>

// The service library's log lines, switchable with QT_LOGGING_RULES="servedeck.service.*=false".
Q_DECLARE_LOGGING_CATEGORY(lcService)
