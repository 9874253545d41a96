#pragma once

#include <QUuid>

#include "ui/common/keyedtablemodel.h"

#include "plane/controlclient.h"

namespace ServeDeck {

// The autoscaling rules of one endpoint, oldest first, kept current from rulesChanged.
class RuleListModel final : public KeyedTableModel<AutoScalingRule>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RuleListModel)

public:
    enum Column { Condition, Source, Replicas, Delays, Cooldown, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int RuleIdRole = Qt::UserRole + 2;

    explicit RuleListModel(ControlClient &client, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    QUuid endpoint() const { return m_endpoint; }
    void setEndpoint(const QUuid &endpointId);
    const AutoScalingRule &rule(int row) const { return m_rows.at(row); }

Q_SIGNALS:
    // After each answer to setEndpoint() or a change is in the rows.
    void loaded();

private:
    void changed(const QUuid &endpointId);

    ControlClient &m_client;
    QUuid m_endpoint;
};

} // namespace ServeDeck
