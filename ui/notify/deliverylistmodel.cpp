#include "deliverylistmodel.h"

#include <algorithm>

#include <QSet>

#include "ui/common/displayformat.h"
#include "ui/common/theme.h"

namespace ServeDeck {

namespace {

bool newerFirst(const NotificationDelivery &a, const NotificationDelivery &b)
{
    return a.time != b.time ? a.time > b.time : a.id > b.id;
}

} // namespace

DeliveryListModel::DeliveryListModel(QObject *parent)
    : NewestFirstTableModel<NotificationDelivery>(parent)
{
}

void DeliveryListModel::setDeliveries(const QList<NotificationDelivery> &deliveries)
{
    QList<NotificationDelivery> rows = deliveries;
    QSet<qint64> ids;
    for (const NotificationDelivery &d : deliveries)
        ids.insert(d.id);
    for (const NotificationDelivery &d : std::as_const(m_rows)) {
        if (d.id == 0 || !ids.contains(d.id))
            rows.append(d);
    }
    std::stable_sort(rows.begin(), rows.end(), newerFirst);
    if (rows.size() > MaxRows)
        rows.resize(MaxRows);
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

void DeliveryListModel::add(const NotificationDelivery &delivery)
{
    if (delivery.id != 0) {
        for (const NotificationDelivery &d : std::as_const(m_rows)) {
            if (d.id == delivery.id)
                return;
        }
    }
    prependRow(delivery, MaxRows);
}

int DeliveryListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeliveryListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const NotificationDelivery &d = m_rows.at(index.row());
    if (role == OkRole)
        return d.ok;
    switch (Column(index.column())) {
    case Time:
        if (role == SortRole)
            return d.time;
        if (role == Qt::DisplayRole)
            return DisplayFormat::time(d.time);
        break;
    case Channel:
        if (role == Qt::DisplayRole || role == SortRole)
            return d.channelName;
        break;
    case Event:
        if (role == Qt::DisplayRole || role == SortRole)
            return d.count > 1 ? tr("%1 ×%2").arg(d.eventKind).arg(d.count) : d.eventKind;
        if (role == Qt::ToolTipRole)
            return d.title;
        break;
    case Attempt:
        if (role == Qt::DisplayRole || role == SortRole)
            return d.attempt;
        break;
    case Outcome:
        if (role == SortRole)
            return d.ok;
        if (role == Qt::DisplayRole)
            return d.ok ? tr("Delivered (%1)").arg(d.outcome) : tr("Failed (%1)").arg(d.outcome);
        if (role == Qt::ForegroundRole)
            return Theme::color(d.ok ? Theme::Role::Success : Theme::Role::Error);
        break;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant DeliveryListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Time:
        return tr("Time");
    case Channel:
        return tr("Channel");
    case Event:
        return tr("Event");
    case Attempt:
        return tr("Attempt");
    case Outcome:
        return tr("Outcome");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace ServeDeck
