#pragma once

#include <QLoggingCategory>

// The store library's log lines, switchable with QT_LOGGING_RULES="servedeck.store.*=false".
Q_DECLARE_LOGGING_CATEGORY(lcStore)
