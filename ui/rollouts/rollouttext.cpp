#include "rollouttext.h"

#include <QCoreApplication>

namespace ServeDeck::RolloutText {

namespace {

const QString kSuccessRate = QStringLiteral("success_rate");

} // namespace

QString strategy(RolloutStrategy strategy)
{
    switch (strategy) {
    case RolloutStrategy::Rolling:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Rolling");
    case RolloutStrategy::BlueGreen:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Blue-green");
    case RolloutStrategy::Canary:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Canary");
    case RolloutStrategy::Progressive:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Progressive");
    }
    return {};
}

QString phase(RolloutPhase phase)
{
    switch (phase) {
    case RolloutPhase::Progressing:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Progressing");
    case RolloutPhase::Paused:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Paused");
    case RolloutPhase::Promoting:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Promoting");
    case RolloutPhase::Succeeded:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Succeeded");
    case RolloutPhase::Aborted:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Aborted");
    case RolloutPhase::RolledBack:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Rolled back");
    }
    return {};
}

QString verdict(AnalysisVerdict verdict)
{
    switch (verdict) {
    case AnalysisVerdict::Pass:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Pass");
    case AnalysisVerdict::Fail:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Fail");
    case AnalysisVerdict::Inconclusive:
        return QCoreApplication::translate("ServeDeck::RolloutText", "Inconclusive");
    }
    return {};
}

QString check(const QString &check)
{
    if (check == kSuccessRate)
        return QCoreApplication::translate("ServeDeck::RolloutText", "Success rate");
    if (check == QLatin1String("p95_ms"))
        return QCoreApplication::translate("ServeDeck::RolloutText", "p95 latency");
    if (check == QLatin1String("p99_ms"))
        return QCoreApplication::translate("ServeDeck::RolloutText", "p99 latency");
    if (check == QLatin1String("step"))
        return QCoreApplication::translate("ServeDeck::RolloutText", "Whole step");
    return check;
}

QString value(const QString &check, std::optional<double> value)
{
    if (!value)
        return QStringLiteral("–");
    // The analysis measures the success_rate check by its errors: the share of requests that failed.
    if (check == kSuccessRate)
        return QStringLiteral("%1 %").arg(QString::number((1.0 - *value) * 100.0, 'f', 2));
    if (check.endsWith(QLatin1String("_ms")))
        return QCoreApplication::translate("ServeDeck::RolloutText", "%1 ms").arg(QString::number(*value, 'f', *value < 10 ? 1 : 0));
    return QString::number(*value, 'g', 4);
}

QString effect(const QString &check, std::optional<double> effect)
{
    if (!effect)
        return QStringLiteral("–");
    if (check == kSuccessRate) {
        // Canary minus stable in errors: a worse canary has a lower success rate.
        const double points = -*effect * 100.0;
        return QCoreApplication::translate("ServeDeck::RolloutText", "%1 pp").arg((points >= 0 ? QStringLiteral("+") : QString()) + QString::number(points, 'f', 2));
    }
    if (check.endsWith(QLatin1String("_ms")))
        return QStringLiteral("×%1").arg(QString::number(*effect, 'f', 2));
    return QString::number(*effect, 'g', 4);
}

int stepNumber(int stepIndex)
{
    return stepIndex + 1;
}

Theme::Role phaseRole(RolloutPhase phase)
{
    switch (phase) {
    case RolloutPhase::Progressing:
    case RolloutPhase::Promoting:
        return Theme::Role::StatusProvisioning;
    case RolloutPhase::Paused:
        return Theme::Role::Warning;
    case RolloutPhase::Succeeded:
        return Theme::Role::Success;
    case RolloutPhase::Aborted:
        return Theme::Role::Muted;
    case RolloutPhase::RolledBack:
        return Theme::Role::Error;
    }
    return Theme::Role::Muted;
}

Theme::Role verdictRole(AnalysisVerdict verdict)
{
    switch (verdict) {
    case AnalysisVerdict::Pass:
        return Theme::Role::Success;
    case AnalysisVerdict::Fail:
        return Theme::Role::Error;
    case AnalysisVerdict::Inconclusive:
        return Theme::Role::Warning;
    }
    return Theme::Role::Muted;
}

} // namespace ServeDeck::RolloutText
