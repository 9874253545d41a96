#include "errorlistmodel.h"

#include <QBrush>
#include <QColor>
#include <QTextDocument>

#include "ui/common/displayformat.h"
#include "ui/common/theme.h"

namespace ServeDeck {

namespace {

QString replicaText(const ErrorRecord &r)
{
    if (!r.replicaId.isEmpty())
        return r.replicaId;
    return r.routeId.isEmpty() ? QString() : DisplayFormat::shortId(r.routeId);
}

// Errors that took a replica down read darker than the ones it may recover from.
bool isFatal(const QString &type)
{
    return type == QLatin1String("OOMKilled") || type == QLatin1String("CudaOutOfMemory")
        || type == QLatin1String("CrashLoop") || type == QLatin1String("Crashed");
}

} // namespace

ErrorListModel::ErrorListModel(ControlClient &client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{
    connect(&m_client, &ControlClient::errorRecorded, this, &ErrorListModel::add);
    connect(&m_client, &ControlClient::errorsCleared, this, &ErrorListModel::removeErrorsOf);
    connect(&m_client, &ControlClient::endpointChanged, this, &ErrorListModel::renamed);
    reload();
}

void ErrorListModel::reload()
{
    struct Listing
    {
        Result<QList<ErrorRecord>> errors;
        Result<QList<EndpointInfo>> endpoints;
    };
    m_client.call(
        this,
        [](ModelServingService &s) { return Listing{s.listErrors(QString(), MaxRows), s.listEndpoints()}; },
        [this](const Listing &listing) {
            beginResetModel();
            m_rows = listing.errors ? *listing.errors : QList<ErrorRecord>();
            if (listing.endpoints) {
                for (const EndpointInfo &info : *listing.endpoints)
                    m_names.insert(info.endpoint.id, info.endpoint.name);
            }
            endResetModel();
            // Endpoints deleted since: a name from their record if the service still has one.
            for (const ErrorRecord &r : std::as_const(m_rows))
                rememberName(r.endpointId);
            Q_EMIT loaded();
        });
}

void ErrorListModel::rememberName(const QUuid &endpointId)
{
    if (endpointId.isNull() || m_names.contains(endpointId))
        return;
    // The short id until the name arrives (and for good when the endpoint is gone).
    m_names.insert(endpointId, DisplayFormat::shortId(endpointId));
    showNameOf(endpointId);
}

void ErrorListModel::renamed(const QUuid &endpointId)
{
    if (m_names.contains(endpointId))
        showNameOf(endpointId);
}

void ErrorListModel::showNameOf(const QUuid &endpointId)
{
    m_client.call(
        this,
        [ref = endpointId.toString(QUuid::WithoutBraces)](ModelServingService &s) { return s.endpointInfo(ref); },
        [this, endpointId](Result<EndpointInfo> info) {
            const auto known = m_names.constFind(endpointId);
            if (!info || known == m_names.cend() || info->endpoint.name == *known)
                return;
            m_names.insert(endpointId, info->endpoint.name);
            for (int row = 0; row < m_rows.size(); ++row) {
                if (m_rows.at(row).endpointId == endpointId)
                    Q_EMIT dataChanged(index(row, Endpoint), index(row, Endpoint));
            }
        });
}

void ErrorListModel::add(const ErrorRecord &record)
{
    rememberName(record.endpointId);
    if (m_rows.size() >= MaxRows) {
        beginRemoveRows({}, int(m_rows.size()) - 1, int(m_rows.size()) - 1);
        m_rows.removeLast();
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_rows.prepend(record);
    endInsertRows();
}

void ErrorListModel::removeErrorsOf(const QUuid &endpointId)
{
    // From the bottom, one contiguous run at a time, so each removal leaves the rows above it in place.
    int row = int(m_rows.size()) - 1;
    while (row >= 0) {
        if (m_rows.at(row).endpointId != endpointId) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && m_rows.at(first - 1).endpointId == endpointId)
            --first;
        beginRemoveRows({}, first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
}

int ErrorListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ErrorListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ErrorListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ErrorRecord &r = m_rows.at(index.row());
    switch (role) {
    case EndpointIdRole:
        return r.endpointId;
    case TypeRole:
        return r.type;
    case TimeRole:
        return r.time;
    case LogTailRole:
        return r.logTail;
    case Qt::ForegroundRole:
        if (index.column() == Type)
            return QBrush(Theme::color(isFatal(r.type) ? Theme::Role::Error : Theme::Role::Warning));
        return {};
    case Qt::ToolTipRole:
        // Tooltips render rich text when it looks like it; what agents send is shown as the text it is.
        if (index.column() == Replica && !r.routeId.isEmpty())
            return Qt::convertFromPlainText(tr("Route %1").arg(r.routeId));
        if (index.column() == Message)
            return Qt::convertFromPlainText(r.message);
        return {};
    case Qt::DisplayRole:
    case SortRole:
        break;
    default:
        return {};
    }
    switch (Column(index.column())) {
    case Time:
        return role == SortRole ? QVariant(r.time) : QVariant(DisplayFormat::time(r.time));
    case Endpoint:
        return m_names.value(r.endpointId);
    case Replica:
        return replicaText(r);
    case Agent:
        return r.agentId;
    case Type:
        return r.type;
    case Message:
        // One line in the table; the detail pane shows all of it.
        return role == SortRole ? r.message : r.message.section(u'\n', 0, 0);
    case Exit:
        if (role == SortRole)
            return r.signal ? 1000 + *r.signal : r.exitCode.value_or(-1);
        return DisplayFormat::exitStatus(r);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ErrorListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Time:
        return tr("Time");
    case Endpoint:
        return tr("Endpoint");
    case Replica:
        return tr("Replica");
    case Agent:
        return tr("Agent");
    case Type:
        return tr("Type");
    case Message:
        return tr("Message");
    case Exit:
        return tr("Exit");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
