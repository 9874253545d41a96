#pragma once

#include <optional>

#include <QString>

namespace ServeDeck {

class LogTail;

// What is known when a replica's process ends.
struct ExitFacts
{
    bool requested = false;        // we asked it to stop (scale-down, delete)
    bool everHealthy = false;
    bool memoryLimitHit = false;   // our watchdog or the kernel's OOM killer ended it
    bool healthGaveUp = false;     // stopped because health checks ran out of retries
    bool startTimedOut = false;    // never answered a health check in time
    bool failedToLaunch = false;   // the command could not be executed at all
    int exitCode = 0;
    std::optional<int> signal;     // set when it died by a signal
};

// Maps an ending to the error kind operators filter by, or nothing for a clean, requested stop.
std::optional<QString> classifyExit(const ExitFacts &facts, const LogTail &log);

} // namespace ServeDeck
