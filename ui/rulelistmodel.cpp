#include "rulelistmodel.h"

#include <QSet>

#include "displayformat.h"

namespace ServeDeck {

RuleListModel::RuleListModel(ModelServingService &service, QObject *parent)
    : QAbstractTableModel(parent)
    , m_service(service)
{
    connect(&m_service, &ModelServingService::rulesChanged, this, &RuleListModel::changed);
}

void RuleListModel::setEndpoint(const QUuid &endpointId)
{
    if (endpointId == m_endpoint)
        return;
    beginResetModel();
    m_endpoint = endpointId;
    m_rows.clear();
    if (!m_endpoint.isNull()) {
        if (auto rules = m_service.autoScalingRules(m_endpoint.toString(QUuid::WithoutBraces)))
            m_rows = *rules;
    }
    endResetModel();
}

int RuleListModel::rowOf(const QUuid &ruleId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == ruleId)
            return row;
    }
    return -1;
}

// Updates in place, so a selected rule stays selected while another one changes.
void RuleListModel::changed(const QUuid &endpointId)
{
    if (endpointId != m_endpoint)
        return;
    auto rules = m_service.autoScalingRules(m_endpoint.toString(QUuid::WithoutBraces));
    const QList<AutoScalingRule> now = rules ? *rules : QList<AutoScalingRule>();
    QSet<QUuid> ids;
    for (const AutoScalingRule &r : now)
        ids.insert(r.id);
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!ids.contains(m_rows.at(row).id)) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    for (const AutoScalingRule &r : now) {
        const int row = rowOf(r.id);
        if (row < 0) {
            beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
            m_rows.append(r);
            endInsertRows();
        } else if (m_rows.at(row).updatedAt != r.updatedAt || m_rows.at(row).condition() != r.condition()) {
            m_rows[row] = r;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
}

int RuleListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RuleListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RuleListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AutoScalingRule &r = m_rows.at(index.row());
    if (role == RuleIdRole)
        return r.id;
    if (role == Qt::ToolTipRole)
        return tr("Rule %1 (%2)").arg(r.id.toString(QUuid::WithoutBraces), metricSourceName(r.source));
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (Column(index.column())) {
    case Condition:
        return r.condition();
    case Source:
        return metricSourceName(r.source);
    case Replicas:
        return role == SortRole ? QVariant(r.maxReplicas) : QVariant(tr("%1–%2").arg(r.minReplicas).arg(r.maxReplicas));
    case Delays:
        return role == SortRole ? QVariant(r.scaleUpDelay)
                                : QVariant(tr("%1 / %2").arg(DisplayFormat::duration(r.scaleUpDelay),
                                                             DisplayFormat::duration(r.scaleDownDelay)));
    case Cooldown:
        return role == SortRole ? QVariant(r.cooldown) : QVariant(DisplayFormat::duration(r.cooldown));
    case ColumnCount:
        break;
    }
    return {};
}

QVariant RuleListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Condition:
        return tr("Rule");
    case Source:
        return tr("Source");
    case Replicas:
        return tr("Replicas");
    case Delays:
        return tr("Out / in delay");
    case Cooldown:
        return tr("Cooldown");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
