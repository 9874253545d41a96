#include "scaleeventmodel.h"

#include <algorithm>

#include <QBrush>
#include <QColor>

#include "ui/common/displayformat.h"
#include "ui/common/theme.h"

namespace ServeDeck {

ScaleEventModel::ScaleEventModel(ControlClient &client, QObject *parent)
    : NewestFirstTableModel<ScaleEvent>(parent)
    , m_client(client)
{
    connect(&m_client, &ControlClient::scaled, this, &ScaleEventModel::add);
    connect(&m_client, &ControlClient::rulesChanged, this, [this](const QUuid &endpointId) {
        if (endpointId != m_endpoint)
            return;
        m_client.call(
            this,
            [ref = endpointId.toString(QUuid::WithoutBraces)](ModelServingService &s) {
                return s.autoScalingRules(ref);
            },
            [this, endpointId](Result<QList<AutoScalingRule>> rules) {
                if (endpointId != m_endpoint)
                    return;
                setRules(rules);
                if (!m_rows.isEmpty())
                    Q_EMIT dataChanged(index(0, Cause), index(int(m_rows.size()) - 1, Cause));
            });
    });
}

void ScaleEventModel::setEndpoint(const QUuid &endpointId)
{
    if (endpointId == m_endpoint)
        return;
    beginResetModel();
    m_endpoint = endpointId;
    m_rows.clear();
    m_ruleConditions.clear();
    endResetModel();
    recount();
    if (m_endpoint.isNull())
        return;
    struct Listing
    {
        Result<QList<ScaleEvent>> events;
        Result<QList<AutoScalingRule>> rules;
    };
    m_client.call(
        this,
        [ref = endpointId.toString(QUuid::WithoutBraces)](ModelServingService &s) {
            return Listing{s.scaleEvents(ref, MaxRows), s.autoScalingRules(ref)};
        },
        [this, endpointId](const Listing &listing) {
            // Another endpoint was chosen while this list was on its way.
            if (endpointId != m_endpoint)
                return;
            beginResetModel();
            m_rows = listing.events ? *listing.events : QList<ScaleEvent>();
            setRules(listing.rules);
            endResetModel();
            recount();
            Q_EMIT loaded();
        });
}

void ScaleEventModel::setRules(const Result<QList<AutoScalingRule>> &rules)
{
    m_ruleConditions.clear();
    if (rules) {
        for (const AutoScalingRule &r : std::as_const(*rules))
            m_ruleConditions.insert(r.id.toString(QUuid::WithoutBraces), r.condition());
    }
}

void ScaleEventModel::add(const ScaleEvent &event)
{
    if (event.endpointId != m_endpoint)
        return;
    prependRow(event, MaxRows);
    recount();
}

void ScaleEventModel::recount()
{
    m_up = int(std::count_if(m_rows.begin(), m_rows.end(), [](const ScaleEvent &e) { return e.after > e.before; }));
    m_down = int(m_rows.size()) - m_up;
    Q_EMIT countsChanged();
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
