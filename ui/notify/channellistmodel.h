#pragma once

#include "notify/notificationtypes.h"
#include "ui/common/keyedtablemodel.h"

namespace ServeDeck {

// The plane's notification channels, one row each, as the Notifier lists them.
class ChannelListModel final : public KeyedTableModel<NotificationChannel>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChannelListModel)

public:
    enum Column { Name, Kind, Target, Events, QuietPeriod, Enabled, ColumnCount };
    static constexpr int IdRole = Qt::UserRole + 1;
    static constexpr int SortRole = Qt::UserRole + 2;

    explicit ChannelListModel(QObject *parent = nullptr);

    // In place: a selected channel stays selected.
    void setChannels(const QList<NotificationChannel> &channels);
    const NotificationChannel &channel(int row) const { return m_rows.at(row); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString kindText(ChannelKind kind);
    static QString severityText(NotificationSeverity severity);
};

} // namespace ServeDeck
