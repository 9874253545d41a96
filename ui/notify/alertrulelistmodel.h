#pragma once

#include "notify/notificationtypes.h"
#include "ui/common/keyedtablemodel.h"

namespace ServeDeck {

// One endpoint's alert rules ("p95_ms > 200 for 60 s"), as the Notifier lists them.
class AlertRuleListModel final : public KeyedTableModel<AlertRule>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertRuleListModel)

public:
    enum Column { Condition, For, Severity, ColumnCount };
    static constexpr int IdRole = Qt::UserRole + 1;

    explicit AlertRuleListModel(QObject *parent = nullptr);

    // Another endpoint's list replaces the rows; the same endpoint's updates them in place.
    void setRules(const QList<AlertRule> &rules, bool sameEndpoint);
    const AlertRule &rule(int row) const { return m_rows.at(row); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace ServeDeck
