#pragma once

#include <QLoggingCategory>

// The agent library's log lines, switchable with QT_LOGGING_RULES="servedeck.agent.*=false".
Q_DECLARE_LOGGING_CATEGORY(lcAgent)
