#include "scaleeventmodel.h"

#include <algorithm>

#include <QBrush>
#include <QColor>

#include "ui/common/displayformat.h"
#include "ui/common/theme.h"

namespace ServeDeck {

ScaleEventModel::ScaleEventModel(ModelServingService &service, QObject *parent)
    : QAbstractTableModel(parent)
    , m_service(service)
{
    connect(&m_service, &ModelServingService::scaled, this, &ScaleEventModel::add);
    connect(&m_service, &ModelServingService::rulesChanged, this, [this](const QUuid &endpointId) {
        if (endpointId != m_endpoint)
            return;
        loadRules();
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, Cause), index(int(m_rows.size()) - 1, Cause));
    });
}

void ScaleEventModel::setEndpoint(const QUuid &endpointId)
{
    if (endpointId == m_endpoint)
        return;
    beginResetModel();
    m_endpoint = endpointId;
    m_rows.clear();
    if (!m_endpoint.isNull()) {
        if (auto events = m_service.scaleEvents(m_endpoint.toString(QUuid::WithoutBraces), MaxRows))
            m_rows = *events;
    }
    loadRules();
    endResetModel();
    recount();
}

void ScaleEventModel::loadRules()
{
    m_ruleConditions.clear();
    if (m_endpoint.isNull())
        return;
    if (auto rules = m_service.autoScalingRules(m_endpoint.toString(QUuid::WithoutBraces))) {
        for (const AutoScalingRule &r : std::as_const(*rules))
            m_ruleConditions.insert(r.id.toString(QUuid::WithoutBraces), r.condition());
    }
}

void ScaleEventModel::add(const ScaleEvent &event)
{
    if (event.endpointId != m_endpoint)
        return;
    if (m_rows.size() >= MaxRows) {
        beginRemoveRows({}, int(m_rows.size()) - 1, int(m_rows.size()) - 1);
        m_rows.removeLast();
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_rows.prepend(event);
    endInsertRows();
    recount();
}

void ScaleEventModel::recount()
{
    m_up = int(std::count_if(m_rows.begin(), m_rows.end(), [](const ScaleEvent &e) { return e.after > e.before; }));
    m_down = int(m_rows.size()) - m_up;
    Q_EMIT countsChanged();
}

int ScaleEventModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ScaleEventModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ScaleEventModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ScaleEvent &e = m_rows.at(index.row());
    const bool up = e.after > e.before;
    if (role == Qt::ForegroundRole && index.column() == Direction)
        return QBrush(Theme::color(up ? Theme::Role::ScaleUp : Theme::Role::ScaleDown));
    if (role == Qt::ToolTipRole && index.column() == Cause && !e.ruleId.isEmpty())
        return tr("Rule %1").arg(e.ruleId);
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (Column(index.column())) {
    case Time:
        return role == SortRole ? QVariant(e.time) : QVariant(DisplayFormat::time(e.time));
    case Direction:
        return role == SortRole ? QVariant(up ? 1 : 0) : QVariant(up ? tr("▲ UP") : tr("▼ DOWN"));
    case Replicas:
        return role == SortRole ? QVariant(e.after) : QVariant(QStringLiteral("%1 → %2").arg(e.before).arg(e.after));
    case Cause:
        if (e.ruleId.isEmpty())
            return tr("operator");
        return m_ruleConditions.value(e.ruleId, tr("rule %1 (deleted)").arg(DisplayFormat::shortId(e.ruleId)));
    case MetricValue:
        if (!e.metricValue)
            return {};
        return role == SortRole ? QVariant(*e.metricValue) : QVariant(QString::number(*e.metricValue, 'g', 4));
    case Reason:
        return e.reason;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ScaleEventModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Time:
        return tr("Time");
    case Direction:
        return tr("Direction");
    case Replicas:
        return tr("Replicas");
    case Cause:
        return tr("Cause");
    case MetricValue:
        return tr("Metric value");
    case Reason:
        return tr("Reason");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
