#include "agentlistmodel.h"

#include <QDateTime>
#include <QEvent>
#include <QLocale>
#include <QSet>

#include "ui/common/displayformat.h"
#include "ui/common/theme.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/metrics/metricshistory.h"

namespace ServeDeck {

namespace {

// Top-level rows carry 0; a GPU row carries its agent's row + 1.
constexpr quintptr kTopLevel = 0;

QString reservedText(const ResourceSlots &slots)
{
    QStringList parts{AgentListModel::tr("%1 CPU").arg(DisplayFormat::cores(slots.cpu)),
                      DisplayFormat::bytes(slots.memoryBytes)};
    if (slots.gpu > 0)
        parts << AgentListModel::tr("%1 GPU").arg(DisplayFormat::cores(slots.gpu));
    return parts.join(QStringLiteral(" · "));
}

} // namespace

AgentListModel::AgentListModel(const EndpointListModel &endpoints, const MetricsHistory &history, QObject *parent)
    : QAbstractItemModel(parent)
    , m_endpoints(endpoints)
    , m_history(history)
{
    connect(&m_history, &MetricsHistory::recorded, this, &AgentListModel::refresh);
    refresh();
}

bool AgentListModel::event(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
    return QAbstractItemModel::event(event);
}

void AgentListModel::fillUse(AgentRow &row, qint64 nowMs, QHash<QUuid, CpuBase> &nextBase) const
{
    // Reserved: what the routes placed on this agent asked for, by their endpoint's slots.
    row.reserved = {};
    for (int r = 0; r < m_endpoints.rowCount(); ++r) {
        const EndpointInfo &info = m_endpoints.info(r);
        for (const Route &route : info.routes) {
            if (route.isActive() && route.agentId == row.status.agentId)
                row.reserved = row.reserved + info.endpoint.resourceSlots;
        }
    }
    row.residentBytes = 0;
    double cpuSeconds = 0;
    double wall = 0;
    bool rate = !row.status.replicas.isEmpty();
    for (const ReplicaStatus &replica : row.status.replicas) {
        row.residentBytes += replica.residentBytes;
        nextBase.insert(replica.routeId, {nowMs, replica.cpuSeconds});
        const auto base = m_cpuBase.constFind(replica.routeId);
        if (base == m_cpuBase.cend() || base->timeMs >= nowMs) {
            rate = false;
            continue;
        }
        cpuSeconds += std::max(0.0, replica.cpuSeconds - base->cpuSeconds);
        wall = std::max(wall, double(nowMs - base->timeMs) / 1000.0);
    }
    if (row.status.replicas.isEmpty())
        row.coresInUse = 0;
    else if (rate && wall > 0)
        row.coresInUse = cpuSeconds / wall;
    else
        row.coresInUse = -1;
}

void AgentListModel::setCredentials(const QList<AgentCredential> &credentials)
{
    m_credentials.clear();
    for (const AgentCredential &c : credentials)
        m_credentials.insert(c.agentId, c);
    refresh();
}

bool AgentListModel::isRevocable(int row) const
{
    const AgentRow &r = m_rows.at(row);
    return r.credential && !r.credential->isRevoked();
}

int AgentListModel::rowOf(const QString &agentId) const
{
    for (int r = 0; r < m_rows.size(); ++r) {
        if (m_rows.at(r).status.agentId == agentId)
            return r;
    }
    return -1;
}

void AgentListModel::refresh()
{
    QList<AgentStatus> now = m_history.agents();
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    QHash<QUuid, CpuBase> nextBase;

    // Remote agents that hold a credential but report nothing (away, or revoked) keep a row.
    QSet<QString> reporting;
    for (const AgentStatus &a : std::as_const(now))
        reporting.insert(a.agentId);
    QStringList away;
    for (auto it = m_credentials.cbegin(); it != m_credentials.cend(); ++it) {
        if (!reporting.contains(it.key()))
            away << it.key();
    }
    away.sort();
    for (const QString &agentId : std::as_const(away)) {
        AgentStatus status;
        status.agentId = agentId;
        status.kind = QStringLiteral("remote");
        now.append(status);
    }

    // Agents that left go first, from the bottom so the rows above keep their numbers.
    QSet<QString> present;
    for (const AgentStatus &a : std::as_const(now))
        present.insert(a.agentId);
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!present.contains(m_rows.at(row).status.agentId)) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    const auto credentialOf = [this](const QString &agentId) {
        const auto it = m_credentials.constFind(agentId);
        return it == m_credentials.cend() ? std::optional<AgentCredential>() : std::optional<AgentCredential>(*it);
    };
    for (const AgentStatus &status : std::as_const(now)) {
        int row = -1;
        for (int r = 0; r < m_rows.size(); ++r) {
            if (m_rows.at(r).status.agentId == status.agentId)
                row = r;
        }
        if (row < 0) {
            AgentRow fresh;
            fresh.status = status;
            fresh.credential = credentialOf(status.agentId);
            fresh.reporting = reporting.contains(status.agentId);
            fillUse(fresh, nowMs, nextBase);
            const int at = int(m_rows.size());
            beginInsertRows({}, at, at);
            m_rows.append(fresh);
            endInsertRows();
            continue;
        }
        // GPUs that appeared or went: children added or removed at the end, the rest change in place.
        AgentRow &existing = m_rows[row];
        const int before = int(existing.status.gpus.size());
        const int after = int(status.gpus.size());
        const QModelIndex parent = index(row, 0);
        if (after < before) {
            beginRemoveRows(parent, after, before - 1);
            existing.status.gpus.resize(after);
            endRemoveRows();
        }
        if (after > before) {
            beginInsertRows(parent, before, after - 1);
            existing.status.gpus = status.gpus;
            endInsertRows();
        }
        existing.status = status;
        existing.credential = credentialOf(status.agentId);
        existing.reporting = reporting.contains(status.agentId);
        fillUse(existing, nowMs, nextBase);
        if (after > 0)
            Q_EMIT dataChanged(index(0, 0, parent), index(after - 1, ColumnCount - 1, parent));
    }
    m_cpuBase = std::move(nextBase);
    // One change for every agent row per sample.
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

QModelIndex AgentListModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, kTopLevel);
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex AgentListModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kTopLevel)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kTopLevel);
}

int AgentListModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_rows.size());
    if (parent.internalId() != kTopLevel || parent.column() != 0)
        return 0;
    return int(m_rows.at(parent.row()).status.gpus.size());
}

int AgentListModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant AgentListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kTopLevel) {
        const AgentRow &row = m_rows.at(index.row());
        if (role == AgentIdRole)
            return row.status.agentId;
        return agentData(row, index.column(), role);
    }
    const AgentRow &row = m_rows.at(int(index.internalId() - 1));
    if (role == AgentIdRole)
        return row.status.agentId;
    return gpuData(row, row.status.gpus.at(index.row()), index.column(), role);
}

QVariant AgentListModel::agentData(const AgentRow &row, int column, int role) const
{
    const AgentStatus &a = row.status;
    const ResourceSlots &total = a.capacity.total;
    if (role == Qt::TextAlignmentRole && column >= Cores)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (column == Credential && row.credential && row.credential->isRevoked()) {
        if (role == Qt::ForegroundRole)
            return Theme::color(Theme::Role::Error);
        if (role == Qt::ToolTipRole)
            return tr("Revoked %1: cut off, and refused should it try to join again under this id")
                .arg(QLocale().toString(row.credential->revokedAt->toLocalTime(), QLocale::ShortFormat));
    }
    if (role == Qt::ToolTipRole && column == Credential && row.credential)
        return tr("Its own credential, issued when it first joined; the join token no longer lets this id in");
    if (role == Qt::ToolTipRole && column == Reserved)
        return tr("Reserved by the routes placed on this agent: %1 of %2 CPU, %3 of %4")
            .arg(DisplayFormat::cores(row.reserved.cpu), DisplayFormat::cores(total.cpu),
                 DisplayFormat::bytes(row.reserved.memoryBytes), DisplayFormat::bytes(total.memoryBytes));
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    // An agent away or revoked reports nothing: its numbers would be made up.
    if (!row.reporting && column >= Cores && column <= Replicas)
        return sort ? QVariant(-1) : QVariant(QStringLiteral("–"));
    switch (Column(column)) {
    case Name:
        return a.agentId;
    case Kind:
        return a.kind == QLatin1String("local") ? tr("local") : a.kind == QLatin1String("remote") ? tr("remote") : a.kind;
    case Cores:
        return sort ? QVariant(total.cpu) : QVariant(DisplayFormat::cores(total.cpu));
    case Memory:
        return sort ? QVariant(total.memoryBytes) : QVariant(DisplayFormat::bytes(total.memoryBytes));
    case Gpus:
        return int(a.gpus.size());
    case Reserved:
        return sort ? QVariant(row.reserved.cpu) : QVariant(reservedText(row.reserved));
    case Utilization:
        if (sort)
            return row.coresInUse;
        if (row.coresInUse < 0)
            return QStringLiteral("–");
        return tr("%1 % (%2 cores)")
            .arg(QString::number(total.cpu > 0 ? row.coresInUse / total.cpu * 100.0 : 0.0, 'f', 1),
                 DisplayFormat::cores(row.coresInUse));
    case MemoryUsed:
        return sort ? QVariant(row.residentBytes) : QVariant(DisplayFormat::bytes(row.residentBytes));
    case Replicas:
        return int(a.replicas.size());
    case Credential:
        if (!row.credential)
            return sort ? QVariant(0) : QVariant(QStringLiteral("–"));
        if (row.credential->isRevoked())
            return sort ? QVariant(2) : QVariant(tr("revoked"));
        return sort ? QVariant(1)
                    : QVariant(tr("issued %1").arg(QLocale().toString(row.credential->issuedAt.toLocalTime(),
                                                                      QLocale::ShortFormat)));
    case ColumnCount:
        break;
    }
    return {};
}

QVariant AgentListModel::gpuData(const AgentRow &row, const GpuInfo &gpu, int column, int role) const
{
    if (role == Qt::TextAlignmentRole && column >= Cores)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && column == Name)
        return gpu.uuid;
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool sort = role == SortRole;
    switch (Column(column)) {
    case Name:
        return sort ? QVariant(gpu.index) : QVariant(tr("GPU %1 · %2").arg(gpu.index).arg(gpu.name));
    case Kind:
        return tr("GPU");
    case Memory:
        return sort ? QVariant(gpu.memoryTotalBytes) : QVariant(DisplayFormat::bytes(gpu.memoryTotalBytes));
    case Utilization:
        return sort ? QVariant(gpu.utilizationPercent) : QVariant(tr("%1 %").arg(gpu.utilizationPercent));
    case MemoryUsed:
        return sort ? QVariant(gpu.memoryUsedBytes) : QVariant(DisplayFormat::bytes(gpu.memoryUsedBytes));
    case Replicas: {
        int users = 0;
        for (const ReplicaStatus &r : row.status.replicas)
            users += r.gpus.contains(gpu.index) ? 1 : 0;
        return users;
    }
    case Cores:
    case Gpus:
    case Reserved:
    case Credential:
    case ColumnCount:
        break;
    }
    return {};
}

QVariant AgentListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Name:
        return tr("Agent");
    case Kind:
        return tr("Kind");
    case Cores:
        return tr("CPU cores");
    case Memory:
        return tr("Memory");
    case Gpus:
        return tr("GPUs");
    case Reserved:
        return tr("Reserved");
    case Utilization:
        return tr("Utilization");
    case MemoryUsed:
        return tr("Memory used");
    case Replicas:
        return tr("Replicas");
    case Credential:
        return tr("Credential");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
