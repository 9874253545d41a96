#include "alertrulelistmodel.h"

#include "ui/common/displayformat.h"
#include "ui/notify/channellistmodel.h"

namespace ServeDeck {

AlertRuleListModel::AlertRuleListModel(QObject *parent)
    : KeyedTableModel(parent)
{
}

void AlertRuleListModel::setRules(const QList<AlertRule> &rules, bool sameEndpoint)
{
    if (!sameEndpoint) {
        resetRows(rules);
        return;
    }
    merge(rules, [](const AlertRule &a, const AlertRule &b) {
        return a.metric == b.metric && a.comparator == b.comparator && a.threshold == b.threshold
            && a.forSeconds == b.forSeconds && a.severity == b.severity;
    });
}

int AlertRuleListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertRuleListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AlertRule &r = m_rows.at(index.row());
    if (role == IdRole)
        return r.id;
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case Condition:
        // The rule's own grammar, as `ctl notifications` and the API write it.
        return QStringLiteral("%1 %2 %3").arg(r.metric, r.comparator, QString::number(r.threshold));
    case For:
        return DisplayFormat::duration(r.forSeconds);
    case Severity:
        return ChannelListModel::severityText(r.severity);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant AlertRuleListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Condition:
        return tr("Condition");
    case For:
        return tr("For");
    case Severity:
        return tr("Severity");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
