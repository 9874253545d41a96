#pragma once

#include <QElapsedTimer>
#include <QUuid>

#include "domain/route.h"
#include "ui/common/keyedtablemodel.h"

class QTimer;

namespace ServeDeck {

class EndpointListModel;
class MetricsHistory;

struct ReplicaTableRow
{
    QUuid id;  // the route's
    RouteStatus status = RouteStatus::Provisioning;
    QString agentId;
    QString replicaId;
    qint64 residentBytes = -1;   // -1: its agent did not report it
    qint64 startingForMs = -1;   // as the agent said at startingSeenMs; -1: not starting
    qint64 startingSeenMs = 0;   // on m_clock
    bool loading = false;        // its runtime answers "still loading"
};

// The selected endpoint's replicas, one row per route: status ("Starting · 1 min 20 s" while its
// runtime loads, counted on between samples), agent, replica id, memory. Routes come from the
// endpoint list, what the agents say of them from MetricsHistory's last sample.
class ReplicaTableModel final : public KeyedTableModel<ReplicaTableRow>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplicaTableModel)

public:
    enum Column { Replica, Status, Agent, ReplicaId, Memory, ColumnCount };

    // The time shown moves in whole seconds: a tick a second keeps it current between samples.
    static constexpr int kTickMs = 1000;

    ReplicaTableModel(const EndpointListModel &endpoints, const MetricsHistory &history, QObject *parent = nullptr);

    void setEndpoint(const QUuid &endpointId);
    QUuid endpoint() const { return m_endpoint; }

    int columnCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "Starting · 1 min 20 s"
    static QString startingText(qint64 ms);

protected:
    bool event(QEvent *event) override;

private:
    QList<ReplicaTableRow> rowsNow() const;
    void refresh();
    void tick();

    const EndpointListModel &m_endpoints;
    const MetricsHistory &m_history;
    QUuid m_endpoint;
    QElapsedTimer m_clock;
    QTimer *m_tick;
};

} // namespace ServeDeck
