#include "analysisdecisionmodel.h"

#include <QBrush>
#include <QFont>

#include "ui/rollouts/rollouttext.h"

namespace ServeDeck {

namespace {

bool sameDecision(const AnalysisDecision &a, const AnalysisDecision &b)
{
    return a.step == b.step && a.at == b.at && a.check == b.check && a.canaryRequests == b.canaryRequests
        && a.stableRequests == b.stableRequests && a.canaryValue == b.canaryValue && a.stableValue == b.stableValue
        && a.effect == b.effect && a.verdict == b.verdict && a.note == b.note;
}

QVariant orNull(std::optional<double> value)
{
    return value ? QVariant(*value) : QVariant();
}

} // namespace

AnalysisDecisionModel::AnalysisDecisionModel(QObject *parent)
    : RolloutTailModel(parent)
{
}

int AnalysisDecisionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void AnalysisDecisionModel::setDecisions(const QUuid &rolloutId, const QList<AnalysisDecision> &decisions)
{
    setTail(rolloutId, decisions, MaxRows, sameDecision);
}

QVariant AnalysisDecisionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AnalysisDecision &d = m_rows.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Step:
            return d.step;  // counted from 1 by the analysis, as operators count
        case Check:
            return RolloutText::check(d.check);
        case CanaryRequests:
            return d.canaryRequests;
        case StableRequests:
            return d.stableRequests;
        case CanaryValue:
            return RolloutText::value(d.check, d.canaryValue);
        case StableValue:
            return RolloutText::value(d.check, d.stableValue);
        case Effect:
            return RolloutText::effect(d.check, d.effect);
        case Verdict:
            return RolloutText::verdict(d.verdict);
        }
    } else if (role == SortRole) {
        switch (index.column()) {
        case Step:
            return d.step;
        case Check:
            return d.check;
        case CanaryRequests:
            return d.canaryRequests;
        case StableRequests:
            return d.stableRequests;
        case CanaryValue:
            return orNull(d.canaryValue);
        case StableValue:
            return orNull(d.stableValue);
        case Effect:
            return orNull(d.effect);
        case Verdict:
            return int(d.verdict);
        }
    } else if (role == Qt::ForegroundRole && index.column() == Verdict) {
        return QBrush(Theme::color(RolloutText::verdictRole(d.verdict)));
    } else if (role == Qt::FontRole && (index.column() == Verdict || d.check == QLatin1String("step"))) {
        QFont bold;
        bold.setBold(true);
        return bold;
    } else if (role == Qt::ToolTipRole) {
        // The analysis says in words what it compared and why it decided so.
        return d.note.isEmpty() ? QVariant() : QVariant(d.note);
    } else if (role == Qt::TextAlignmentRole && index.column() != Check && index.column() != Verdict) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant AnalysisDecisionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Step:
        return tr("Step");
    case Check:
        return tr("Check");
    case CanaryRequests:
        return tr("n canary");
    case StableRequests:
        return tr("n stable");
    case CanaryValue:
        return tr("Canary");
    case StableValue:
        return tr("Stable");
    case Effect:
        return tr("Effect");
    case Verdict:
        return tr("Verdict");
    }
    return {};
}

} // namespace ServeDeck
