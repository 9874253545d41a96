#include "rulelistmodel.h"

#include <QSet>

#include "ui/common/displayformat.h"

namespace ServeDeck {

RuleListModel::RuleListModel(ControlClient &client, QObject *parent)
    : KeyedTableModel(parent)
    , m_client(client)
{
    connect(&m_client, &ControlClient::rulesChanged, this, &RuleListModel::changed);
}

void RuleListModel::setEndpoint(const QUuid &endpointId)
{
    if (endpointId == m_endpoint)
        return;
    m_endpoint = endpointId;
    // The old endpoint's rows go at once: nothing can be revoked or deleted under the new
    // endpoint's name before its own list is in.
    resetRows({});
    if (m_endpoint.isNull())
        return;
    m_client.call(
        this,
        [ref = endpointId.toString(QUuid::WithoutBraces)](ModelServingService &s) { return s.autoScalingRules(ref); },
        [this, endpointId](Result<QList<AutoScalingRule>> rules) {
            // Another endpoint was chosen while this list was on its way.
            if (endpointId != m_endpoint)
                return;
            resetRows(rules ? *rules : QList<AutoScalingRule>());
            Q_EMIT loaded();
        });
}

// Updates in place, so a selected rule stays selected while another one changes.
void RuleListModel::changed(const QUuid &endpointId)
{
    if (endpointId != m_endpoint)
        return;
    m_client.call(
        this,
        [ref = endpointId.toString(QUuid::WithoutBraces)](ModelServingService &s) { return s.autoScalingRules(ref); },
        [this, endpointId](Result<QList<AutoScalingRule>> rules) {
            if (endpointId != m_endpoint)
                return;
            const QList<AutoScalingRule> now = rules ? *rules : QList<AutoScalingRule>();
            merge(now, [](const AutoScalingRule &a, const AutoScalingRule &b) {
                return a.updatedAt == b.updatedAt && a.condition() == b.condition();
            });
            Q_EMIT loaded();
        });
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
