#include "rollouteventmodel.h"

#include <QBrush>

#include "ui/common/displayformat.h"
#include "ui/rollouts/rollouttext.h"

namespace ServeDeck {

namespace {

bool sameEvent(const RolloutEvent &a, const RolloutEvent &b)
{
    return a.at == b.at && a.phase == b.phase && a.step == b.step && a.weight == b.weight && a.message == b.message;
}

} // namespace

RolloutEventModel::RolloutEventModel(QObject *parent)
    : RolloutTailModel(parent)
{
}

int RolloutEventModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void RolloutEventModel::setEvents(const QUuid &rolloutId, const QList<RolloutEvent> &events)
{
    setTail(rolloutId, events, MaxRows, sameEvent);
}

QVariant RolloutEventModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RolloutEvent &e = m_rows.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Time:
            // The time of day: a rollout's events lie within hours; the tooltip has the date.
            return e.at.toLocalTime().toString(QStringLiteral("HH:mm:ss"));
        case Phase:
            return RolloutText::phase(e.phase);
        case Step:
            return RolloutText::stepNumber(e.step);
        case Share:
            return tr("%1 %").arg(e.weight);
        case Message:
            return e.message;
        }
    } else if (role == SortRole) {
        switch (index.column()) {
        case Time:
            return e.at.toMSecsSinceEpoch();
        case Phase:
            return int(e.phase);
        case Step:
            return e.step;
        case Share:
            return e.weight;
        case Message:
            return e.message;
        }
    } else if (role == Qt::ForegroundRole && index.column() == Phase) {
        return QBrush(Theme::color(RolloutText::phaseRole(e.phase)));
    } else if (role == Qt::ToolTipRole && index.column() == Message) {
        return e.message;
    } else if (role == Qt::ToolTipRole && index.column() == Time) {
        return DisplayFormat::time(e.at);
    } else if (role == Qt::TextAlignmentRole && (index.column() == Step || index.column() == Share)) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant RolloutEventModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Phase:
        return tr("Phase");
    case Step:
        return tr("Step");
    case Share:
        return tr("Share");
    case Message:
        return tr("What happened");
    }
    return {};
}

} // namespace ServeDeck
