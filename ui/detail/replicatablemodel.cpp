#include "replicatablemodel.h"

#include <QEvent>
#include <QTimer>

#include "ui/common/displayformat.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/metrics/metricshistory.h"

namespace ServeDeck {

ReplicaTableModel::ReplicaTableModel(const EndpointListModel &endpoints, const MetricsHistory &history, QObject *parent)
    : KeyedTableModel<ReplicaTableRow>(parent)
    , m_endpoints(endpoints)
    , m_history(history)
    , m_tick(new QTimer(this))
{
    m_clock.start();
    m_tick->setInterval(kTickMs);
    connect(m_tick, &QTimer::timeout, this, &ReplicaTableModel::tick);
    // Routes change with the endpoint list; what the agents say, with each sample.
    connect(&m_history, &MetricsHistory::recorded, this, &ReplicaTableModel::refresh);
    connect(&m_endpoints, &QAbstractItemModel::dataChanged, this, &ReplicaTableModel::refresh);
    connect(&m_endpoints, &QAbstractItemModel::modelReset, this, &ReplicaTableModel::refresh);
    connect(&m_endpoints, &QAbstractItemModel::rowsInserted, this, &ReplicaTableModel::refresh);
    connect(&m_endpoints, &QAbstractItemModel::rowsRemoved, this, &ReplicaTableModel::refresh);
}

bool ReplicaTableModel::event(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
    return KeyedTableModel<ReplicaTableRow>::event(event);
}

void ReplicaTableModel::setEndpoint(const QUuid &endpointId)
{
    m_endpoint = endpointId;
    resetRows(rowsNow());
    tick();
}

QList<ReplicaTableRow> ReplicaTableModel::rowsNow() const
{
    const EndpointInfo *info = m_endpoint.isNull() ? nullptr : m_endpoints.find(m_endpoint);
    if (!info)
        return {};
    QHash<QUuid, ReplicaStatus> reported;
    for (const AgentStatus &agent : m_history.agents()) {
        for (const ReplicaStatus &r : agent.replicas)
            reported.insert(r.routeId, r);
    }
    const qint64 now = m_clock.elapsed();
    QList<ReplicaTableRow> rows;
    for (const Route &route : info->routes) {
        ReplicaTableRow row;
        row.id = route.id;
        row.status = route.status;
        row.agentId = route.agentId;
        row.replicaId = route.replicaId;
        if (const auto it = reported.constFind(route.id); it != reported.cend()) {
            row.residentBytes = it->residentBytes;
            row.loading = it->loading;
            if (route.status == RouteStatus::Provisioning && it->startingForMs >= 0) {
                row.startingForMs = it->startingForMs;
                row.startingSeenMs = now;
            }
        }
        rows << row;
    }
    return rows;
}

void ReplicaTableModel::refresh()
{
    const QList<ReplicaTableRow> next = rowsNow();
    merge(next, [](const ReplicaTableRow &a, const ReplicaTableRow &b) {
        return a.status == b.status && a.agentId == b.agentId && a.replicaId == b.replicaId
            && a.residentBytes == b.residentBytes && a.loading == b.loading
            && (a.startingForMs < 0) == (b.startingForMs < 0);
    });
    // The starting time is taken from each sample, shown or not: it is counted on from there.
    for (const ReplicaTableRow &r : next) {
        const int row = rowOf(r.id);
        if (row >= 0) {
            m_rows[row].startingForMs = r.startingForMs;
            m_rows[row].startingSeenMs = r.startingSeenMs;
        }
    }
    tick();
}

void ReplicaTableModel::tick()
{
    bool starting = false;
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).startingForMs < 0)
            continue;
        starting = true;
        Q_EMIT dataChanged(index(row, Status), index(row, Status), {Qt::DisplayRole});
    }
    // Ticks only while something starts: an idle table costs nothing.
    if (starting && !m_tick->isActive())
        m_tick->start();
    else if (!starting)
        m_tick->stop();
}

QString ReplicaTableModel::startingText(qint64 ms)
{
    const qint64 s = std::max<qint64>(0, ms / 1000);
    QString spent;
    if (s < 60)
        spent = tr("%1 s").arg(s);
    else if (s < 3600)
        spent = tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    else
        spent = tr("%1 h %2 min").arg(s / 3600).arg(s % 3600 / 60);
    return tr("Starting · %1").arg(spent);
}

QVariant ReplicaTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const ReplicaTableRow &r = m_rows.at(index.row());
    if (role == Qt::ToolTipRole) {
        if (index.column() == Replica)
            return r.id.toString(QUuid::WithoutBraces);
        if (index.column() == Status && r.startingForMs >= 0)
            return r.loading ? tr("Its runtime answers that it is still loading the model")
                             : tr("Waiting for its first healthy answer");
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case Replica:
        return DisplayFormat::shortId(r.id);
    case Status:
        if (r.startingForMs >= 0)
            return startingText(r.startingForMs + m_clock.elapsed() - r.startingSeenMs);
        return routeStatusName(r.status);
    case Agent:
        return r.agentId;
    case ReplicaId:
        return r.replicaId;
    case Memory:
        return r.residentBytes >= 0 ? DisplayFormat::bytes(r.residentBytes) : QString();
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ReplicaTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Replica:
        return tr("Replica");
    case Status:
        return tr("Status");
    case Agent:
        return tr("Agent");
    case ReplicaId:
        return tr("Process");
    case Memory:
        return tr("Memory");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
