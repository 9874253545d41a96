#pragma once

#include <QList>
#include <QUuid>

#include "domain/rollout.h"
#include "ui/rollouts/rollouttailmodel.h"

namespace ServeDeck {

// A progressive rollout's analysis, one row per check of each step, oldest first: both sides'
// request counts, values and the effect, so a verdict can be checked by eye, never taken on trust.
class AnalysisDecisionModel final : public RolloutTailModel<AnalysisDecision>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AnalysisDecisionModel)

public:
    enum Column { Step, Check, CanaryRequests, StableRequests, CanaryValue, StableValue, Effect, Verdict, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    // Twenty steps of four checks, and holds that repeat a step: plenty, yet bounded.
    static constexpr int MaxRows = 1000;

    explicit AnalysisDecisionModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // As RolloutEventModel::setEvents: the same rollout's new decisions are appended.
    void setDecisions(const QUuid &rolloutId, const QList<AnalysisDecision> &decisions);
    const QList<AnalysisDecision> &decisions() const { return m_rows; }
};

} // namespace ServeDeck
