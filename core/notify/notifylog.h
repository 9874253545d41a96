#pragma once

#include <QLoggingCategory>

// The notifications library's log lines, switchable with QT_LOGGING_RULES="servedeck.notify.*=false".
Q_DECLARE_LOGGING_CATEGORY(lcNotify)
