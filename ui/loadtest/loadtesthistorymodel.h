#pragma once

#include <QAbstractTableModel>
#include <QList>

#include "store/loadtestrecord.h"

namespace ServeDeck {

// Stored load-test runs, newest first, as the control plane lists them: what the Load test
// view's history shows, compares and exports. Bounded.
class LoadTestHistoryModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadTestHistoryModel)

public:
    enum Column { Started, Endpoint, Mode, Requests, Throughput, P95, Success, Passed, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int RunIdRole = Qt::UserRole + 2;
    // Runs listed at most; older ones stay stored and are listed by `ctl loadtest`.
    static constexpr int kMaxRuns = 100;

    explicit LoadTestHistoryModel(QObject *parent = nullptr);

    // Summaries, as the service lists them (no figures beyond the summary's).
    void setRuns(QList<LoadTestRecord> runs);
    const LoadTestRecord *run(int row) const;
    int rowOf(const QUuid &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<LoadTestRecord> m_runs;
};

} // namespace ServeDeck
