#include "pendingqueuemodel.h"

#include "ui/common/displayformat.h"

namespace ServeDeck {

PendingQueueModel::PendingQueueModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int PendingQueueModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_queue.size());
}

int PendingQueueModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PendingQueueModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QueueEntry &q = m_queue.at(index.row());
    if (role == SortRole) {
        switch (index.column()) {
        case Position:
            return index.row() + 1;
        case Endpoint:
            return q.endpointName;
        case Priority:
            return q.priority;
        case WaitingSince:
            return q.route.pendingSince;
        case Reason:
            return q.route.pendingReason;
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && index.column() == Reason)
        return q.route.pendingReason;
    if (role == Qt::TextAlignmentRole && (index.column() == Position || index.column() == Priority))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Position:
        return QString::number(index.row() + 1);
    case Endpoint:
        return q.endpointName;
    case Priority:
        return QString::number(q.priority);
    case WaitingSince:
        return DisplayFormat::time(q.route.pendingSince);
    case Reason:
        return q.route.pendingReason.isEmpty() ? tr("waiting for its turn") : q.route.pendingReason;
    default:
        return {};
    }
}

QVariant PendingQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Position:
        return tr("#");
    case Endpoint:
        return tr("Endpoint");
    case Priority:
        return tr("Priority");
    case WaitingSince:
        return tr("Waiting since");
    case Reason:
        return tr("Why it waits");
    default:
        return {};
    }
}

void PendingQueueModel::setQueue(const QList<QueueEntry> &queue)
{
    // A few rows at most, replaced whole: a reset is simpler than a diff and as cheap.
    beginResetModel();
    m_queue = queue;
    endResetModel();
}

} // namespace ServeDeck
