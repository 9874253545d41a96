#include "endpointlistmodel.h"

#include <QBrush>
#include <QColor>

namespace ServeDeck {

namespace {

int healthyCount(const EndpointInfo &info)
{
    return int(std::count_if(info.routes.begin(), info.routes.end(),
                             [](const Route &r) { return r.status == RouteStatus::Healthy; }));
}

QColor statusColor(EndpointStatus status)
{
    switch (status) {
    case EndpointStatus::Healthy:
        return QColor(0x2e, 0x7d, 0x32);
    case EndpointStatus::Degraded:
        return QColor(0xef, 0x6c, 0x00);
    case EndpointStatus::Unhealthy:
        return QColor(0xc6, 0x28, 0x28);
    case EndpointStatus::Provisioning:
        return QColor(0x15, 0x65, 0xc0);
    case EndpointStatus::ScaledToZero:
    case EndpointStatus::Destroying:
    case EndpointStatus::Terminated:
        return QColor(0x61, 0x61, 0x61);
    }
    return {};
}

} // namespace

EndpointListModel::EndpointListModel(ModelServingService &service, QObject *parent)
    : QAbstractTableModel(parent)
    , m_service(service)
{
    connect(&m_service, &ModelServingService::endpointChanged, this, &EndpointListModel::refresh);
    connect(&m_service, &ModelServingService::routesChanged, this, &EndpointListModel::refresh);
    connect(&m_service, &ModelServingService::endpointRemoved, this, &EndpointListModel::removeRowOf);
    reload();
}

void EndpointListModel::reload()
{
    beginResetModel();
    auto list = m_service.listServices();
    m_rows = list ? *list : QList<EndpointInfo>();
    endResetModel();
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
    auto info = m_service.serviceInfo(endpointId.toString(QUuid::WithoutBraces));
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
    case ColumnCount:
        break;
    }
    return {};
}

QVariant EndpointListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
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
    case Url:
        return tr("URL");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
