#pragma once

#include <optional>

#include <QString>

class QTextStream;

namespace ServeDeck {
struct ApiResponse;
}

// What every `servedeck ctl` verb shares: its exit codes, how it prints an API refusal, the
// service path it calls and the grammar of a time on its command line.
namespace CtlVerb {

// Scripts and the e2e tests rely on these numbers.
inline constexpr int kOk = 0;
inline constexpr int kFailed = 1;         // the API said no, a watched rollout or a load test's target failed
inline constexpr int kUsage = 2;
inline constexpr int kNoAnswer = 3;       // no answer from the API
inline constexpr int kWatchTimedOut = 4;  // a watch's --timeout passed first

// "/v1/services/<svc>", the name percent-encoded.
QString servicePath(const QString &svc);

// A refused (non-2xx) or unanswered call as ctl prints it, on err, "servedeck ctl <verb>: ..."
// naming the verb; the exit code to stop with (kNoAnswer or kFailed).
int apiFailure(const ServeDeck::ApiResponse &r, const QString &verb, QTextStream &err);

// "250ms", "2s", "10m", "1h" or a plain number of seconds, in milliseconds; nullopt for
// anything else (signs, exponents, absurd sizes).
std::optional<double> durationMs(const QString &text);

} // namespace CtlVerb
