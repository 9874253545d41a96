#pragma once

#include <QList>
#include <QUuid>

#include "domain/rollout.h"
#include "ui/rollouts/rollouttailmodel.h"

namespace ServeDeck {

// A rollout's timeline, oldest first so the newest is at the bottom: its phase changes, steps
// and share changes as the core recorded them.
class RolloutEventModel final : public RolloutTailModel<RolloutEvent>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RolloutEventModel)

public:
    enum Column { Time, Phase, Step, Share, Message, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    // A timeline an operator reads, not an archive: past this many the oldest go.
    static constexpr int MaxRows = 500;

    explicit RolloutEventModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The same rollout's longer timeline appends its new rows, so the view keeps its place;
    // another rollout's replaces them.
    void setEvents(const QUuid &rolloutId, const QList<RolloutEvent> &events);
    const RolloutEvent &event(int row) const { return m_rows.at(row); }
};

} // namespace ServeDeck
