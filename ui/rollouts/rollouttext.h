#pragma once

#include <QString>

#include "domain/rollout.h"
#include "ui/common/theme.h"

namespace ServeDeck {

struct AnalysisDecision;

// How the console names a rollout's parts, translated: the API's names (PROGRESSING,
// blue-green, success_rate) are for scripts.
namespace RolloutText {

QString strategy(RolloutStrategy strategy);
QString phase(RolloutPhase phase);
QString verdict(AnalysisVerdict verdict);
// "Success rate", "p95 latency"…; an unknown check by its own name.
QString check(const QString &check);
// A check's value as the operator reads it: a success rate in %, a latency in ms; "–" for none.
QString value(const QString &check, std::optional<double> value);
// The effect: percentage points of success rate, or a latency ratio "×1.20".
QString effect(const QString &check, std::optional<double> effect);
// A rollout's step index (from 0, as the rollout and its events keep it) as operators count it,
// from 1, as analysis decisions already do.
int stepNumber(int stepIndex);

Theme::Role phaseRole(RolloutPhase phase);
Theme::Role verdictRole(AnalysisVerdict verdict);

} // namespace RolloutText

} // namespace ServeDeck
