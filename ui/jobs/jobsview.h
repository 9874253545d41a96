#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QUuid>
#include <QWidget>

#include "domain/job.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace ServeDeck {

class ControlClient;
class EndpointListModel;
class EndpointSelector;
class ErrorLabel;
class JobDetailPane;
class JobTableModel;

// The job queue: jobs filtered by endpoint, state and age, newest first, kept live by the
// plane's job changes; a count per state; the selected job in full below, with Cancel and Retry.
// Everything is read through the control client and only while the view is shown: hidden, a
// change only marks it stale, and showing it reads again.
class JobsView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JobsView)

public:
    // The table's bound: a screenful many times over; older jobs are a narrower filter away.
    static constexpr int kMaxRows = 500;
    // Counts are read again after job changes at most this often: a busy queue changes hundreds
    // of times a second, and a person reads the counts once a second at best.
    static constexpr int kCountsIntervalMs = 1000;

    JobsView(ControlClient &client, EndpointListModel &endpoints, QWidget *parent = nullptr);
    ~JobsView() override;

    EndpointSelector *endpointSelector() const { return m_endpoint; }
    QComboBox *stateFilter() const { return m_state; }
    QComboBox *rangeFilter() const { return m_range; }
    QTableView *table() const { return m_table; }
    JobTableModel *jobModel() const { return m_model; }
    JobDetailPane *detailPane() const { return m_detail; }
    ErrorLabel *errorLabel() const { return m_error; }
    // The per-state counts last read (JobQueue::stateCounts for the endpoint filter).
    const QHash<JobState, int> &stateCounts() const { return m_counts; }
    QLabel *countLabel(JobState state) const { return m_countLabels.value(state); }

    // Shows the jobs of one endpoint (null: all), as "Open in Jobs" in Details asks.
    void showEndpoint(const QUuid &endpointId);
    // Reads the list and the counts again now (while shown; hidden, when next shown).
    void reload();
    // Selects the job's row if it is shown; false if not.
    bool selectJob(const QString &jobId);

Q_SIGNALS:
    // A reload's answer replaced the rows.
    void loaded();
    // New per-state counts were read.
    void countsLoaded();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void jobChanged(const ServeDeck::Job &job);
    void scheduleCounts();
    void readCounts();
    void showCounts();
    void selectionChanged();
    JobFilter currentFilter() const;

    ControlClient &m_client;
    EndpointSelector *m_endpoint;
    QComboBox *m_state;
    QComboBox *m_range;
    QPushButton *m_refresh;
    ErrorLabel *m_error;
    QHash<JobState, QLabel *> m_countLabels;
    JobTableModel *m_model;
    QTableView *m_table;
    JobDetailPane *m_detail;
    QTimer *m_countsTimer;
    QElapsedTimer m_sinceCounts;
    QHash<JobState, int> m_counts;
    quint64 m_listRequest = 0;    // answers to an earlier list read are dropped
    quint64 m_countsRequest = 0;
    bool m_stale = true;          // changed while hidden: read when shown
    bool m_readingCounts = false;
    bool m_countsDirty = false;   // jobs changed since the last counts read began
};

} // namespace ServeDeck
