#pragma once

#include <optional>

#include <QUuid>
#include <QWidget>

#include "plane/controlclient.h"

class QAction;
class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QPushButton;
class QTabWidget;
class QTableView;
class QValueAxis;
class QXYSeries;

namespace ServeDeck {

class AnalysisDecisionModel;
class ErrorLabel;
class RolloutEventModel;

// One endpoint's rollout (the one in progress, else the newest): its phase, strategy, versions,
// step and share, the timeline of what happened, each analysis decision with its numbers, and
// canary against stable per step (success rate, p95). Promote, Pause, Resume, Abort and Rollback
// act on it, each enabled by the phase; Rollback asks first and has a shortcut. Refreshed on the
// core's rolloutChanged; busy while an action is with the core; refusals shown in place.
class RolloutPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RolloutPanel)

public:
    explicit RolloutPanel(ControlClient &client, QWidget *parent = nullptr);
    ~RolloutPanel() override;

    QUuid endpoint() const { return m_endpoint; }
    void setEndpoint(const QUuid &endpointId);
    // Asks the core again now (also done on rolloutChanged).
    void refresh();

    // What is shown: none before the first answer or when the endpoint never had a rollout.
    const std::optional<RolloutInfo> &rollout() const { return m_info; }

    QLabel *phaseLabel() const { return m_phase; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *reasonLabel() const { return m_reason; }
    ErrorLabel *errorLabel() const { return m_error; }
    QPushButton *promoteButton() const { return m_promote; }
    QPushButton *pauseButton() const { return m_pause; }
    QPushButton *resumeButton() const { return m_resume; }
    QPushButton *abortButton() const { return m_abort; }
    QPushButton *rollbackButton() const { return m_rollback; }
    QPushButton *retryButton() const { return m_retry; }
    QAction *rollbackAction() const { return m_rollbackAction; }
    RolloutEventModel *timeline() const { return m_events; }
    AnalysisDecisionModel *decisions() const { return m_decisions; }
    QTableView *timelineView() const { return m_eventsView; }
    QTableView *decisionsView() const { return m_decisionsView; }
    QTabWidget *tables() const { return m_tabs; }
    // "success-canary", "success-stable", "p95-canary", "p95-stable": a point per analysed step.
    QXYSeries *series(const QString &name) const;
    // Shown only once the rollout has analysis decisions.
    QWidget *charts() const { return m_chartsHost; }
    bool isBusy() const;

    // Acts on the rollout shown; false (nothing sent) when the phase does not allow it.
    bool act(RolloutAction action);
    // Rollback after the operator confirms (the button and the shortcut).
    void rollBack();
    // Starts the same rollout again, to the same revision by the same strategy and settings.
    bool retry();

Q_SIGNALS:
    // An answer to refresh() is shown.
    void loaded();
    // An action's answer: ok or refused (the reason shown).
    void answered(bool ok);

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Snapshot;

    void present(const Snapshot &snapshot);
    void showRollout();
    void updateButtons();
    void redrawCharts();
    void applyTheme();
    void setBusy(bool busy);
    QChartView *makeChart(const QString &title, QValueAxis **stepAxis, QValueAxis **valueAxis);
    QLineSeries *addLine(QChart *chart, QValueAxis *stepAxis, QValueAxis *valueAxis, const QString &name,
                         const QString &title);

    ControlClient &m_client;
    QUuid m_endpoint;
    std::optional<RolloutInfo> m_info;
    QUuid m_currentRevision;  // the endpoint's stable revision: a finished rollout rolls back only from its own
    bool m_refreshing = false;
    bool m_refreshAgain = false;
    bool m_busy = false;

    QLabel *m_phase;
    QLabel *m_summary;
    QLabel *m_reason;
    QLabel *m_busyLabel;
    ErrorLabel *m_error;
    QPushButton *m_promote;
    QPushButton *m_pause;
    QPushButton *m_resume;
    QPushButton *m_abort;
    QPushButton *m_rollback;
    QPushButton *m_retry;  // a rolled-back or aborted rollout, started again once its version is fixed
    QAction *m_rollbackAction;
    RolloutEventModel *m_events;
    AnalysisDecisionModel *m_decisions;
    QTableView *m_eventsView;
    QTableView *m_decisionsView;
    QTabWidget *m_tabs;
    QUuid m_shownRollout;  // the tables' rollout: another one picks the tab again
    QWidget *m_chartsHost;  // hidden while there is no analysis to draw
    QList<QChartView *> m_charts;
    QValueAxis *m_successStep = nullptr;
    QValueAxis *m_successValue = nullptr;
    QValueAxis *m_latencyStep = nullptr;
    QValueAxis *m_latencyValue = nullptr;
    QLineSeries *m_successCanary = nullptr;
    QLineSeries *m_successStable = nullptr;
    QLineSeries *m_p95Canary = nullptr;
    QLineSeries *m_p95Stable = nullptr;
};

} // namespace ServeDeck
