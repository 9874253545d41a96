#pragma once

#include "notify/notificationtypes.h"
#include "ui/common/newestfirsttablemodel.h"

namespace ServeDeck {

// Every delivery and failure of the plane's notifications, newest first: the stored ones, then
// each new one as the Notifier reports it.
class DeliveryListModel final : public NewestFirstTableModel<NotificationDelivery>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeliveryListModel)

public:
    enum Column { Time, Channel, Event, Attempt, Outcome, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int OkRole = Qt::UserRole + 2;
    // What the Notifier lists in one call; the oldest row goes when a new one would exceed it.
    static constexpr int MaxRows = 200;

    explicit DeliveryListModel(QObject *parent = nullptr);

    // The stored list (any order); live rows that arrived meanwhile are kept.
    void setDeliveries(const QList<NotificationDelivery> &deliveries);
    void add(const NotificationDelivery &delivery);
    const NotificationDelivery &delivery(int row) const { return m_rows.at(row); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace ServeDeck
