#pragma once

#include <QLoggingCategory>

// The plane library's log lines, switchable with QT_LOGGING_RULES="servedeck.plane.*=false".
Q_DECLARE_LOGGING_CATEGORY(lcPlane)
