#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QPointer>

#include "plane/controlclient.h"

namespace ServeDeck {

class JobQueueCounts;
class MetricsHistory;

// Every live endpoint, one row each, kept current from the service's signals; with a history,
// also its load (requests/s, p95 latency, error rate and a sparkline of requests/s), updated
// once per sample for all rows together.
class EndpointListModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EndpointListModel)

public:
    enum Column {
        Name,
        Version,
        Status,
        Replicas,
        Healthy,
        Queue,  // jobs queued + running (issue 17)
        RequestsPerSecond,
        P95Latency,
        ErrorRate,
        Activity,
        Url,
        ColumnCount
    };
    // The raw value behind a cell, for sorting (numbers sort as numbers).
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int EndpointIdRole = Qt::UserRole + 2;
    // Activity: the last requests/s values, oldest first (QList<float>), for SparklineDelegate.
    static constexpr int SparklineRole = Qt::UserRole + 3;
    // What the sparkline spans: a minute at two samples a second, enough to see a load step
    // and short enough that a 120-pixel cell shows each sample.
    static constexpr int kSparklineSamples = 120;

    explicit EndpointListModel(ControlClient &client, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void reload();
    // Load columns from here from now on (null: none); not owned.
    void setHistory(const MetricsHistory *history);
    const EndpointInfo &info(int row) const { return m_rows.at(row); }
    // Null when the endpoint has no row.
    const EndpointInfo *find(const QUuid &endpointId) const;
    // Each endpoint's jobs queued and running (the Queue column; Details' Jobs line).
    const JobQueueCounts &queueCounts() const { return *m_queueCounts; }

Q_SIGNALS:
    // After each reload()'s answer has replaced the rows.
    void loaded();

protected:
    bool event(QEvent *event) override;

private:
    void loadRecorded();
    QVariant loadData(const QUuid &endpointId, Column column, int role) const;
    void refresh(const QUuid &endpointId);
    void show(const QUuid &endpointId, const Result<EndpointInfo> &info);
    int rowOf(const QUuid &endpointId) const;
    void removeRowOf(const QUuid &endpointId);

    ControlClient &m_client;
    QList<EndpointInfo> m_rows;
    QPointer<const MetricsHistory> m_history;
    JobQueueCounts *m_queueCounts;
};

} // namespace ServeDeck
