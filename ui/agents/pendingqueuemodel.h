#pragma once

#include <QAbstractTableModel>
#include <QList>

#include "service/modelservingservice.h"

namespace ServeDeck {

// The replicas waiting for room (PENDING), one row each, in the order they will start: by their
// endpoint's priority, then by how long they have waited. Set whole from the service's queue,
// which AgentsView reads when routes or endpoints change.
class PendingQueueModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PendingQueueModel)

public:
    enum Column {
        Position,      // 1 = starts first
        Endpoint,
        Priority,
        WaitingSince,
        Reason,        // why it waits: the capacity short, an agent's refusal, a preemption under way
        ColumnCount
    };
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit PendingQueueModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setQueue(const QList<ServeDeck::QueueEntry> &queue);
    const QueueEntry &entry(int row) const { return m_queue.at(row); }

private:
    QList<QueueEntry> m_queue;
};

} // namespace ServeDeck
