#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QUuid>
#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QTableView;
class QTimer;
class QValueAxis;
class QXYSeries;

namespace ServeDeck {

class EndpointListModel;
class EndpointSelector;
class MetricsHistory;
class ControlClient;
class ReplicaTableModel;
class RolloutPanel;
class TrafficSplitEditor;

// One endpoint, live: desired against healthy replicas, its routes by status, requests/s and
// p95 latency, each replica's CPU (and GPU) and memory, over the last 5 minutes, 15 minutes or
// hour, with its traffic split beside them and its rollout below. Everything drawn comes from MetricsHistory, which
// records every endpoint all the time; only the selected endpoint's series are built, and only
// while the view is shown.
class EndpointDetailView final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EndpointDetailView)

public:
    enum class Range { FiveMinutes, FifteenMinutes, Hour };

    // Samples arrive every 500 ms; redrawing more often would show nothing new, and redrawing
    // on every sample of a faster sampler would spend the CPU the console shares with replicas.
    static constexpr int kRepaintIntervalMs = 500;
    // Points per series at most: about one per horizontal pixel of a chart at the window's usual
    // size. An hour holds 7200 samples; drawing them all would cost without showing more.
    static constexpr int kMaxDrawnPoints = 600;
    // Replicas drawn per chart; more lines than this cannot be told apart.
    static constexpr int kMaxReplicaSeries = 8;

    EndpointDetailView(ControlClient &client, EndpointListModel &endpoints, const MetricsHistory &history,
                       QWidget *parent = nullptr);
    ~EndpointDetailView() override;

    EndpointSelector *endpointSelector() const { return m_endpoint; }
    QComboBox *rangeSelector() const { return m_range; }
    TrafficSplitEditor *trafficSplit() const { return m_split; }
    RolloutPanel *rolloutPanel() const { return m_rollout; }
    ReplicaTableModel *replicaTable() const { return m_replicaTable; }
    QTableView *replicaTableView() const { return m_replicaView; }
    Range range() const;
    void setRange(Range range);
    static qint64 rangeMs(Range range);

    // Every series drawn now; each is named (objectName) "desired", "healthy", "routes-HEALTHY"…,
    // "requests", "p95", "cpu-<route>", "gpu-<route>", "memory-<route>" (route: its short id).
    QList<QXYSeries *> series() const;
    QXYSeries *series(const QString &name) const;
    QList<QChart *> charts() const;
    // Redraws now, not at the next repaint tick (tests, screenshots).
    void refreshNow();
    // How often the charts were rebuilt: redraws are batched, never one per sample.
    int redrawCount() const { return m_redraws; }

Q_SIGNALS:
    // The operator asked to send the shown endpoint a request (its Try panel).
    void tryRequested(const QUuid &endpointId);
    // The operator asked to drive the shown endpoint with a traffic pattern (its Simulator panel).
    void simulateRequested(const QUuid &endpointId);
    // The operator asked for the shown endpoint's jobs (the Jobs view, filtered to it).
    void jobsRequested(const QUuid &endpointId);

protected:
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct ReplicaLines
    {
        QLineSeries *cpu = nullptr;
        QLineSeries *gpu = nullptr;
        QLineSeries *memory = nullptr;
    };

    QChartView *makeChart(const QString &title, QValueAxis **valueAxis, QDateTimeAxis **timeAxis);
    QLineSeries *addLine(QChart *chart, QValueAxis *valueAxis, QDateTimeAxis *timeAxis, const QString &name,
                         const QString &title);
    void sampleRecorded();
    void redraw();
    void redrawReplicas(qint64 fromMs, qint64 toMs);
    void applyTheme();
    void updateSummary();
    void updateJobs();  // the Jobs line: queued and running (issue 17)

    EndpointListModel &m_endpoints;
    const MetricsHistory &m_history;
    EndpointSelector *m_endpoint;
    QComboBox *m_range;
    QLabel *m_summary;
    QLabel *m_jobs = nullptr;
    TrafficSplitEditor *m_split;
    RolloutPanel *m_rollout;
    ReplicaTableModel *m_replicaTable;
    QTableView *m_replicaView;

    QList<QChartView *> m_views;
    QDateTimeAxis *m_replicasTime = nullptr;
    QValueAxis *m_replicasValue = nullptr;
    QDateTimeAxis *m_routesTime = nullptr;
    QValueAxis *m_routesValue = nullptr;
    QDateTimeAxis *m_trafficTime = nullptr;
    QValueAxis *m_requestsValue = nullptr;
    QValueAxis *m_latencyValue = nullptr;
    QDateTimeAxis *m_cpuTime = nullptr;
    QValueAxis *m_cpuValue = nullptr;
    QDateTimeAxis *m_memoryTime = nullptr;
    QValueAxis *m_memoryValue = nullptr;
    // OpenAI-style answers: tokens per second (left), time to first token (right).
    QDateTimeAxis *m_tokensTime = nullptr;
    QValueAxis *m_tokensValue = nullptr;
    QValueAxis *m_ttftValue = nullptr;
    QLineSeries *m_desired = nullptr;
    QLineSeries *m_healthy = nullptr;
    QList<QLineSeries *> m_routeLines;  // by RouteStatus
    QLineSeries *m_requests = nullptr;
    QLineSeries *m_p95 = nullptr;
    QLineSeries *m_tokensPerSecond = nullptr;
    QLineSeries *m_ttftP50 = nullptr;
    QLineSeries *m_ttftP95 = nullptr;
    QHash<QUuid, ReplicaLines> m_replicaLines;  // by route

    QTimer *m_repaint;
    QElapsedTimer m_sinceRedraw;
    bool m_stale = true;
    int m_redraws = 0;
};

} // namespace ServeDeck
