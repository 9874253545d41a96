#include "endpointlistmodel.h"

#include <QBrush>
#include <QColor>
#include <QEvent>

#include "ui/jobs/jobqueuecounts.h"
#include "ui/metrics/metricshistory.h"
#include "ui/common/theme.h"

namespace ServeDeck {

namespace {

int healthyCount(const EndpointInfo &info)
{
    return int(std::count_if(info.routes.begin(), info.routes.end(),
                             [](const Route &r) { return r.status == RouteStatus::Healthy; }));
}

// On a dark palette the same hues, lighter (the theme's dark values), so the status stays readable.
QColor statusColor(EndpointStatus status)
{
    switch (status) {
    case EndpointStatus::Healthy:
        return Theme::color(Theme::Role::StatusHealthy);
    case EndpointStatus::Degraded:
        return Theme::color(Theme::Role::StatusDegraded);
    case EndpointStatus::Unhealthy:
        return Theme::color(Theme::Role::StatusUnhealthy);
    case EndpointStatus::Provisioning:
        return Theme::color(Theme::Role::StatusProvisioning);
    case EndpointStatus::ScaledToZero:
    case EndpointStatus::Destroying:
    case EndpointStatus::Terminated:
        return Theme::color(Theme::Role::StatusInactive);
    }
    return {};
}

bool isLoadColumn(int column)
{
    return column >= EndpointListModel::RequestsPerSecond && column <= EndpointListModel::Activity;
}

// "–" where nothing was sampled yet: a dash reads as "no value", where 0 would claim no traffic.
const QString kNoValue = QStringLiteral("–");

} // namespace

EndpointListModel::EndpointListModel(ControlClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
    , m_queueCounts(new JobQueueCounts(client, this))
{
    connect(m_queueCounts, &JobQueueCounts::changed, this, [this](const QList<QUuid> &endpointIds) {
        for (const QUuid &id : endpointIds) {
            if (const int row = rowOf(id); row >= 0)
                Q_EMIT dataChanged(index(row, Queue), index(row, Queue), {Qt::DisplayRole, SortRole});
        }
    });
    connect(&m_client, &ControlClient::endpointChanged, this, &EndpointListModel::refresh);
    connect(&m_client, &ControlClient::routesChanged, this, &EndpointListModel::refresh);
    connect(&m_client, &ControlClient::endpointRemoved, this, &EndpointListModel::removeRowOf);
    reload();
}

void EndpointListModel::reload()
{
    m_client.call(
        this, [](ModelServingService &s) { return s.listEndpoints(); },
        [this](Result<QList<EndpointInfo>> list) {
            beginResetModel();
            m_rows = list ? *list : QList<EndpointInfo>();
            endResetModel();
            Q_EMIT loaded();
        });
}

void EndpointListModel::setHistory(const MetricsHistory *history)
{
    if (m_history)
        disconnect(m_history, nullptr, this, nullptr);
    m_history = history;
    if (m_history)
        connect(m_history, &MetricsHistory::recorded, this, &EndpointListModel::loadRecorded);
    loadRecorded();
}

void EndpointListModel::loadRecorded()
{
    // One change for every row's load columns per sample: views and proxies handle one range,
    // not a signal per cell.
    if (m_rows.isEmpty())
        return;
    Q_EMIT dataChanged(index(0, RequestsPerSecond), index(int(m_rows.size()) - 1, Activity),
                       {Qt::DisplayRole, SortRole, SparklineRole, Qt::ToolTipRole});
}

bool EndpointListModel::event(QEvent *event)
{
    // Headers and tooltips are translated when asked for; views ask again after this.
    if (event->type() == QEvent::LanguageChange)
        Q_EMIT headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
    return QAbstractTableModel::event(event);
}

const EndpointInfo *EndpointListModel::find(const QUuid &endpointId) const
{
    const int row = rowOf(endpointId);
    return row < 0 ? nullptr : &m_rows.at(row);
}

int EndpointListModel::rowOf(const QUuid &endpointId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].endpoint.id == endpointId)
            return i;
    }
    return -1;
}

void EndpointListModel::removeRowOf(const QUuid &endpointId)
{
    const int row = rowOf(endpointId);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

void EndpointListModel::refresh(const QUuid &endpointId)
{
    m_client.call(
        this, [ref = endpointId.toString(QUuid::WithoutBraces)](ModelServingService &s) { return s.endpointInfo(ref); },
        [this, endpointId](Result<EndpointInfo> info) { show(endpointId, info); });
}

void EndpointListModel::show(const QUuid &endpointId, const Result<EndpointInfo> &info)
{
    const int row = rowOf(endpointId);
    if (!info || info->endpoint.lifecycle == EndpointLifecycle::Terminated) {
        removeRowOf(endpointId);
        return;
    }
    if (row < 0) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
        m_rows.append(*info);
        endInsertRows();
        return;
    }
    m_rows[row] = *info;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int EndpointListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EndpointListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EndpointListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EndpointInfo &info = m_rows.at(index.row());
    const Endpoint &e = info.endpoint;
    if (role == EndpointIdRole)
        return e.id;
    if (role == Qt::ForegroundRole && index.column() == Status)
        return QBrush(statusColor(info.status));
    if (role == Qt::ToolTipRole && index.column() == Status)
        return tr("%1 of %2 replicas healthy").arg(healthyCount(info)).arg(e.replicas);
    if (isLoadColumn(index.column()))
        return loadData(e.id, Column(index.column()), role);
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (Column(index.column())) {
    case Name:
        return e.name;
    case Version:
        return e.modelVersion;
    case Status:
        return role == SortRole ? QVariant(int(info.status)) : QVariant(endpointStatusName(info.status));
    case Replicas:
        return e.replicas;
    case Healthy:
        return role == SortRole ? QVariant(healthyCount(info))
                                : QVariant(QStringLiteral("%1 / %2").arg(healthyCount(info)).arg(e.replicas));
    case Url:
        return e.url;
    case Queue: {
        // "3 + 2": queued + running; empty when neither, so a busy queue stands out.
        const JobQueueCounts::Counts jobs = m_queueCounts->counts(e.id);
        if (role == SortRole)
            return jobs.queued + jobs.running;
        return jobs.queued + jobs.running == 0 ? QString()
                                                : QStringLiteral("%1 + %2").arg(jobs.queued).arg(jobs.running);
    }
    case RequestsPerSecond:
    case P95Latency:
    case ErrorRate:
    case Activity:
    case ColumnCount:
        break;
    }
    return {};
}

QVariant EndpointListModel::loadData(const QUuid &endpointId, Column column, int role) const
{
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    const std::optional<EndpointSample> latest = m_history ? m_history->latest(endpointId) : std::nullopt;
    if (column == Activity) {
        if (role == SparklineRole)
            return QVariant::fromValue(m_history ? m_history->recentRequests(endpointId, kSparklineSamples) : QList<float>());
        if (role == SortRole)
            return latest ? double(latest->requestsPerSecond) : -1.0;
        if (role == Qt::ToolTipRole)
            return tr("Requests per second, last %1 samples").arg(kSparklineSamples);
        return {};
    }
    if (role == SortRole) {
        if (!latest)
            return -1.0;
        switch (column) {
        case RequestsPerSecond:
            return double(latest->requestsPerSecond);
        case P95Latency:
            return latest->hasP95() ? double(latest->p95Ms) : -1.0;
        case ErrorRate:
            return double(latest->errorRate);
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    if (!latest)
        return kNoValue;
    switch (column) {
    case RequestsPerSecond:
        return QString::number(latest->requestsPerSecond, 'f', 1);
    case P95Latency:
        return latest->hasP95() ? tr("%1 ms").arg(QString::number(latest->p95Ms, 'f', latest->p95Ms < 10 ? 1 : 0))
                                : kNoValue;
    case ErrorRate:
        return tr("%1 %").arg(QString::number(double(latest->errorRate) * 100.0, 'f', 1));
    default:
        return {};
    }
}

QVariant EndpointListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case RequestsPerSecond:
            return tr("Requests per second over the last sample interval");
        case P95Latency:
            return tr("95th percentile latency over the last sample interval");
        case ErrorRate:
            return tr("Share of requests that failed over the last sample interval");
        case Queue:
            return tr("Jobs queued + running");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Name:
        return tr("Name");
    case Version:
        return tr("Version");
    case Status:
        return tr("Status");
    case Replicas:
        return tr("Desired");
    case Healthy:
        return tr("Healthy");
    case Queue:
        return tr("Queue");
    case Url:
        return tr("URL");
    case RequestsPerSecond:
        return tr("Req/s");
    case P95Latency:
        return tr("p95");
    case ErrorRate:
        return tr("Error rate");
    case Activity:
        return tr("Activity");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
