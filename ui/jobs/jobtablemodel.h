#pragma once

#include <QDateTime>

#include "domain/job.h"
#include "ui/common/newestfirsttablemodel.h"

namespace ServeDeck {

class EndpointListModel;

// The jobs a filter picks, newest (by queue time) first and at most the filter's limit: loaded
// whole with setJobs(), then kept live by update(), which changes a row in place, or inserts a
// job the filter now picks at its place by queue time (the oldest row going past the limit).
class JobTableModel final : public NewestFirstTableModel<Job>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobTableModel)

public:
    enum Column {
        Id,
        Endpoint,
        State,
        Priority,
        Attempts,
        Queued,
        QueueTime,
        RunTime,
        ResultStatus,
        Revision,
        ColumnCount
    };
    // The raw value behind a cell, for sorting (numbers and times as such).
    static constexpr int SortRole = Qt::UserRole + 1;
    static constexpr int JobIdRole = Qt::UserRole + 2;

    // endpoints: names for jobs whose record carries none (not owned; may be null).
    explicit JobTableModel(const EndpointListModel *endpoints, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Which jobs belong: `filter` as JobQueue::jobs takes it (its limit bounds the rows).
    void setFilter(const JobFilter &filter);
    const JobFilter &filter() const { return m_filter; }
    bool matches(const Job &job) const;
    // The loaded list (newest first, as JobQueue::jobs gives it): a reset.
    void setJobs(const QList<Job> &jobs);
    // A job changed: its row follows; a new match is inserted, a row that no longer matches goes.
    void update(const Job &job);

    const Job &job(int row) const { return m_rows.at(row); }
    int rowOf(const QString &jobId) const;

    // Milliseconds from `from` to `to`; -1 when either is unset.
    static qint64 spanMs(const QDateTime &from, const QDateTime &to);
    // "850 ms", "12.4 s", "3 min 5 s", "2 h 10 min".
    static QString durationText(qint64 ms);

protected:
    bool event(QEvent *event) override;

private:
    QString endpointName(const Job &job) const;

    const EndpointListModel *m_endpoints;
    JobFilter m_filter;
};

} // namespace ServeDeck
