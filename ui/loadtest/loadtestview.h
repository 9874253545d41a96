#pragma once

#include <optional>

#include <QUuid>
#include <QWidget>

#include "traffic/loadtest.h"

class QBarSeries;
class QChart;
class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QLineSeries;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QTableWidget;
class QValueAxis;

namespace ServeDeck {

class ControlClient;
class EndpointListModel;
class EndpointSelector;
class ErrorLabel;
class LoadTestController;
class LoadTestHistoryModel;

// The Load test view: settings (fixed rate, ramp, Poisson or a closed loop; rate, concurrency,
// duration, path, body, targets), Start and Cancel, a live chart of the rates sent and answered
// with p50/p95/p99, the latency histogram and pass/fail badges of the finished run, and the
// stored runs (through the control plane) to compare side by side and export. The run itself
// is LoadTestController's, on a thread of its own.
class LoadTestView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LoadTestView)

public:
    // Live points per series at most: progress comes about 4 times a second, so an hour's run
    // would be 14,400; this keeps the chart cheap and about one point per pixel.
    static constexpr int kMaxLivePoints = 1200;
    // Bars of the histogram: log-spaced from the fastest answer to the slowest.
    static constexpr int kHistogramBars = 24;
    // A private endpoint's token for the run lives this much longer than the run.
    static constexpr qint64 kTokenMarginSeconds = 120;

    LoadTestView(ControlClient &client, EndpointListModel &endpoints, QWidget *parent = nullptr);
    ~LoadTestView() override;

    EndpointSelector *endpointSelector() const { return m_endpoint; }
    QComboBox *modeSelector() const { return m_mode; }
    QDoubleSpinBox *rateEdit() const { return m_rate; }
    QDoubleSpinBox *rampFromEdit() const { return m_rampFrom; }
    QDoubleSpinBox *rampToEdit() const { return m_rampTo; }
    QSpinBox *concurrencyEdit() const { return m_concurrency; }
    QSpinBox *requestsEdit() const { return m_requests; }
    QDoubleSpinBox *durationEdit() const { return m_duration; }
    QLineEdit *pathEdit() const { return m_path; }
    QPlainTextEdit *bodyEdit() const { return m_body; }
    QLineEdit *targetsEdit() const { return m_targets; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *cancelButton() const { return m_cancel; }
    QProgressBar *progressBar() const { return m_progress; }
    QLabel *summaryLabel() const { return m_summary; }
    QTableView *historyView() const { return m_historyView; }
    LoadTestHistoryModel *historyModel() const { return m_history; }
    QTableWidget *compareTable() const { return m_compare; }
    LoadTestController *controller() const { return m_controller; }
    QList<QChart *> charts() const;
    QLineSeries *series(const QString &name) const;
    QBarSeries *histogram() const { return m_bars; }
    // The badges of the last run's targets, in order: objectName "targetBadge", property "passed".
    QList<QLabel *> targetBadges() const;
    std::optional<LoadTestResult> lastResult() const { return m_last; }
    bool isRunning() const;

    void start();
    void cancel();
    // Lists the stored runs again (after a run is stored, on an endpoint change).
    void refreshHistory();
    // Side by side: the two stored runs at these history rows, read from the store (compared()).
    bool compareRows(int first, int second);
    // Writes the stored run at a history row as JSON or CSV, by the file's suffix (exported()).
    bool exportRow(int row, const QString &path);

Q_SIGNALS:
    void runFinished(const ServeDeck::LoadTestResult &result);
    // The finished run is in the store, under this id.
    void runStored(const QUuid &runId);
    void historyLoaded();
    void compared();
    // problem: empty when the file was written.
    void exported(const QString &problem);

protected:
    void changeEvent(QEvent *event) override;

private:
    void modeChanged();
    void endpointChanged(const QUuid &id);
    void launch(LoadTestSettings settings);
    void progressed(const LoadTestProgress &progress);
    void finished(const LoadTestResult &result);
    void showResult(const LoadTestResult &result);
    void showHistogram(const LatencyHistogram &histogram);
    void storeRun(const LoadTestResult &result);
    void exportSelected();
    void compareSelected();
    void showComparison(const LoadTestResult &a, const LoadTestResult &b);
    void updateButtons();
    void applyTheme();
    QLineSeries *addLine(QChart *chart, QValueAxis *axis, const QString &name, const QString &title);

    ControlClient &m_client;
    EndpointListModel &m_endpoints;
    LoadTestController *m_controller;
    EndpointSelector *m_endpoint;
    QComboBox *m_mode;
    QDoubleSpinBox *m_rate;
    QDoubleSpinBox *m_rampFrom;
    QDoubleSpinBox *m_rampTo;
    QSpinBox *m_concurrency;
    QSpinBox *m_requests;
    QDoubleSpinBox *m_duration;
    QLineEdit *m_path;
    QPlainTextEdit *m_body;
    QLineEdit *m_targets;
    QPushButton *m_start;
    QPushButton *m_cancel;
    QProgressBar *m_progress;
    ErrorLabel *m_problem;
    QLabel *m_summary;
    QHBoxLayout *m_badges;
    QList<QLabel *> m_badgeLabels;
    QChartView *m_liveView;
    QChartView *m_histogramView;
    QValueAxis *m_timeAxis = nullptr;
    QValueAxis *m_rateAxis = nullptr;
    QValueAxis *m_latencyAxis = nullptr;
    QLineSeries *m_sent = nullptr;
    QLineSeries *m_answered = nullptr;
    QLineSeries *m_p50 = nullptr;
    QLineSeries *m_p95 = nullptr;
    QLineSeries *m_p99 = nullptr;
    QBarSeries *m_bars = nullptr;
    LoadTestHistoryModel *m_history;
    QTableView *m_historyView;
    QPushButton *m_compareButton;
    QPushButton *m_exportButton;
    QTableWidget *m_compare;
    std::optional<LoadTestResult> m_last;
    bool m_preparing = false;  // minting a token before the run
    QUuid m_runEndpoint;
};

} // namespace ServeDeck
