#pragma once

#include <QHash>
#include <QUuid>

#include "plane/controlclient.h"
#include "ui/common/newestfirsttablemodel.h"

namespace ServeDeck {

// One endpoint's scale events, newest first: the autoscaler's and the operator's decisions,
// live from the service's scaled signal.
class ScaleEventModel final : public NewestFirstTableModel<ScaleEvent>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScaleEventModel)

public:
    enum Column { Time, Direction, Replicas, Cause, MetricValue, Reason, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    // A timeline an operator scrolls, not an archive: the oldest event goes past this many.
    static constexpr int MaxRows = 200;

    explicit ScaleEventModel(ControlClient &client, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setEndpoint(const QUuid &endpointId);
    int upCount() const { return m_up; }
    int downCount() const { return m_down; }

Q_SIGNALS:
    void countsChanged();
    // After the answer to setEndpoint() is in the rows.
    void loaded();

private:
    void add(const ScaleEvent &event);
    void setRules(const Result<QList<AutoScalingRule>> &rules);
    void recount();

    ControlClient &m_client;
    QUuid m_endpoint;
    QHash<QString, QString> m_ruleConditions;  // rule id -> condition, to say which rule scaled
    int m_up = 0;
    int m_down = 0;
};

} // namespace ServeDeck
