#include "endpointdetailview.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPushButton>
#include <QSettings>
#include <QHeaderView>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>

#include "ui/common/displayformat.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/jobs/jobqueuecounts.h"
#include "ui/common/endpointselector.h"
#include "ui/common/chartpalette.h"
#include "ui/common/theme.h"
#include "ui/metrics/metricshistory.h"
#include "ui/detail/replicatablemodel.h"
#include "ui/detail/trafficspliteditor.h"
#include "ui/rollouts/rolloutpanel.h"

namespace ServeDeck {

namespace {

const QString kRangeKey = QStringLiteral("endpointDetail/range");
const QString kOrganization = QStringLiteral("ServeDeck");

QColor routeStatusColour(RouteStatus status)
{
    switch (status) {
    case RouteStatus::Provisioning:
    case RouteStatus::Pending:  // waiting for room: not started yet, like a provisioning one
        return Theme::color(Theme::Role::RouteProvisioning);
    case RouteStatus::Healthy:
        return Theme::color(Theme::Role::RouteHealthy);
    case RouteStatus::Unhealthy:
        return Theme::color(Theme::Role::RouteUnhealthy);
    case RouteStatus::Terminating:
        return Theme::color(Theme::Role::RouteTerminating);
    case RouteStatus::FailedToStart:
        return Theme::color(Theme::Role::RouteFailedToStart);
    }
    return {};
}

// The samples [first, size) of `series` as (time, value) points, at most `cap` of them: beyond
// that, consecutive samples are split into `cap` runs of (nearly) equal length, each drawn as one
// point at the run's last time with its largest value, so a one-sample spike still shows at the
// hour range. Samples whose value is NaN (no latency without requests) are left out.
template<typename Series, typename Value>
QList<QPointF> pointsOf(const Series &series, qsizetype first, int cap, Value value)
{
    QList<QPointF> points;
    const qsizetype n = series.size() - first;
    if (n <= 0)
        return points;
    const qsizetype runs = std::min<qsizetype>(n, cap);
    points.reserve(runs);
    for (qsizetype k = 0; k < runs; ++k) {
        const qsizetype start = first + k * n / runs;
        const qsizetype end = first + (k + 1) * n / runs;
        float best = std::numeric_limits<float>::quiet_NaN();
        for (qsizetype i = start; i < end; ++i) {
            const float v = value(series.at(i));
            if (!std::isnan(v) && (std::isnan(best) || v > best))
                best = v;
        }
        if (!std::isnan(best))
            points.append(QPointF(double(series.at(end - 1).timeMs), double(best)));
    }
    return points;
}

double peakOf(const QList<QPointF> &points, double floor)
{
    double peak = floor;
    for (const QPointF &p : points)
        peak = std::max(peak, p.y());
    return peak;
}

// A value axis from 0 to a little above the peak, on round numbers.
void fitAxis(QValueAxis *axis, double peak)
{
    axis->setRange(0, peak * 1.1);
    axis->applyNiceNumbers();
}

// A count axis (replicas, routes): whole numbers only, one tick per 1, 2, 5, 10… so no label repeats.
void fitCountAxis(QValueAxis *axis, double peak)
{
    constexpr int kMaxTicks = 6;
    int top = int(std::ceil(peak)) + 1;
    int step = 1;
    for (int base = 1; top / step > kMaxTicks - 1; base *= 10) {
        for (int factor : {1, 2, 5}) {
            step = base * factor;
            if (top / step <= kMaxTicks - 1)
                break;
        }
    }
    top = (top + step - 1) / step * step;
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(step);
    axis->setRange(0, top);
}

} // namespace

EndpointDetailView::EndpointDetailView(ControlClient &client, EndpointListModel &endpoints,
                                       const MetricsHistory &history, QWidget *parent)
    : QWidget(parent)
    , m_endpoints(endpoints)
    , m_history(history)
    , m_endpoint(new EndpointSelector(endpoints, EndpointSelector::Scope::OneEndpoint, this))
    , m_range(new QComboBox(this))
    , m_summary(new QLabel(this))
    , m_split(new TrafficSplitEditor(client, endpoints, this))
    , m_rollout(new RolloutPanel(client, this))
    , m_replicaTable(new ReplicaTableModel(endpoints, history, this))
    , m_replicaView(new QTableView(this))
    , m_repaint(new QTimer(this))
{
    m_range->setObjectName(QStringLiteral("detailRange"));
    for (const Range r : {Range::FiveMinutes, Range::FifteenMinutes, Range::Hour})
        m_range->addItem(DisplayFormat::duration(rangeMs(r) / 1000), int(r));
    m_summary->setObjectName(QStringLiteral("detailSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *top = new QHBoxLayout;
    auto *endpointLabel = new QLabel(tr("Endpoint"), this);
    endpointLabel->setBuddy(m_endpoint);
    auto *rangeLabel = new QLabel(tr("Range"), this);
    rangeLabel->setBuddy(m_range);
    top->addWidget(endpointLabel);
    top->addWidget(m_endpoint);
    top->addSpacing(12);
    top->addWidget(rangeLabel);
    top->addWidget(m_range);
    top->addSpacing(12);
    top->addWidget(m_summary, 1);
    auto *tryButton = new QPushButton(tr("Try…"), this);
    tryButton->setObjectName(QStringLiteral("detailTry"));
    tryButton->setToolTip(tr("Send this endpoint a request and see its answer"));
    connect(tryButton, &QPushButton::clicked, this, [this] { Q_EMIT tryRequested(m_endpoint->currentEndpoint()); });
    top->addWidget(tryButton);
    auto *simulateButton = new QPushButton(tr("Simulate…"), this);
    simulateButton->setObjectName(QStringLiteral("detailSimulate"));
    simulateButton->setToolTip(tr("Drive this endpoint with a traffic pattern until stopped"));
    connect(simulateButton, &QPushButton::clicked, this,
            [this] { Q_EMIT simulateRequested(m_endpoint->currentEndpoint()); });
    top->addWidget(simulateButton);

    QChartView *replicas = makeChart(tr("Replicas"), &m_replicasValue, &m_replicasTime);
    // Healthy first, so the dashed desired line is drawn over it where they agree.
    m_healthy = addLine(replicas->chart(), m_replicasValue, m_replicasTime, QStringLiteral("healthy"), tr("Healthy"));
    m_desired = addLine(replicas->chart(), m_replicasValue, m_replicasTime, QStringLiteral("desired"), tr("Desired"));
    m_replicasValue->setLabelFormat(QStringLiteral("%d"));

    QChartView *routes = makeChart(tr("Routes by status"), &m_routesValue, &m_routesTime);
    for (int s = 0; s < kRouteStatusCount; ++s) {
        const QString name = routeStatusName(RouteStatus(s));
        m_routeLines << addLine(routes->chart(), m_routesValue, m_routesTime, QStringLiteral("routes-") + name, name);
    }
    m_routesValue->setLabelFormat(QStringLiteral("%d"));

    QChartView *traffic = makeChart(tr("Traffic"), &m_requestsValue, &m_trafficTime);
    m_requests = addLine(traffic->chart(), m_requestsValue, m_trafficTime, QStringLiteral("requests"), tr("Requests/s"));
    m_latencyValue = new QValueAxis(traffic);
    m_latencyValue->setLabelFormat(QStringLiteral("%g"));
    m_latencyValue->setTitleText(tr("ms"));
    traffic->chart()->addAxis(m_latencyValue, Qt::AlignRight);
    m_p95 = addLine(traffic->chart(), m_latencyValue, m_trafficTime, QStringLiteral("p95"), tr("p95 latency"));
    m_requestsValue->setLabelFormat(QStringLiteral("%g"));

    QChartView *cpu = makeChart(tr("Replica CPU"), &m_cpuValue, &m_cpuTime);
    m_cpuValue->setLabelFormat(QStringLiteral("%g"));
    m_cpuValue->setTitleText(tr("%"));
    QChartView *memory = makeChart(tr("Replica memory"), &m_memoryValue, &m_memoryTime);
    m_memoryValue->setLabelFormat(QStringLiteral("%g"));
    m_memoryValue->setTitleText(tr("MiB"));

    // LLM traffic: what the proxy measures of OpenAI-style answers as they stream past.
    QChartView *tokens = makeChart(tr("Generation"), &m_tokensValue, &m_tokensTime);
    tokens->setObjectName(QStringLiteral("generationChart"));
    m_tokensValue->setLabelFormat(QStringLiteral("%g"));
    m_tokensValue->setTitleText(tr("tokens/s"));
    m_tokensPerSecond = addLine(tokens->chart(), m_tokensValue, m_tokensTime, QStringLiteral("tokens-per-second"),
                                tr("Tokens/s"));
    m_ttftValue = new QValueAxis(tokens);
    m_ttftValue->setLabelFormat(QStringLiteral("%g"));
    m_ttftValue->setTitleText(tr("ms"));
    tokens->chart()->addAxis(m_ttftValue, Qt::AlignRight);
    m_ttftP50 = addLine(tokens->chart(), m_ttftValue, m_tokensTime, QStringLiteral("ttft-p50"), tr("TTFT p50"));
    m_ttftP95 = addLine(tokens->chart(), m_ttftValue, m_tokensTime, QStringLiteral("ttft-p95"), tr("TTFT p95"));

    auto *splitBox = new QGroupBox(tr("Traffic split"), this);
    auto *splitLayout = new QVBoxLayout(splitBox);
    splitLayout->setContentsMargins(4, 4, 4, 4);
    splitLayout->addWidget(m_split);

    auto *grid = new QGridLayout;
    grid->setSpacing(4);
    grid->addWidget(replicas, 0, 0);
    grid->addWidget(routes, 0, 1);
    grid->addWidget(traffic, 0, 2);
    grid->addWidget(cpu, 1, 0);
    grid->addWidget(memory, 1, 1);
    grid->addWidget(tokens, 1, 2);
    grid->addWidget(splitBox, 0, 3, 2, 1);
    for (int c = 0; c < 4; ++c)
        grid->setColumnStretch(c, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);

    auto *charts = new QWidget(this);
    charts->setLayout(grid);
    grid->setContentsMargins(0, 0, 0, 0);
    auto *rolloutBox = new QGroupBox(tr("Rollout"), this);
    rolloutBox->setObjectName(QStringLiteral("rolloutBox"));
    auto *rolloutLayout = new QVBoxLayout(rolloutBox);
    rolloutLayout->setContentsMargins(4, 4, 4, 4);
    rolloutLayout->addWidget(m_rollout);
    // The operator gives the rollout more room while one runs, the charts more otherwise.
    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("detailSplit"));
    split->setChildrenCollapsible(false);
    // Each replica's status, a starting one with the time it has spent loading.
    auto *replicasBox = new QGroupBox(tr("Replicas"), this);
    replicasBox->setObjectName(QStringLiteral("replicasBox"));
    auto *replicasLayout = new QVBoxLayout(replicasBox);
    replicasLayout->setContentsMargins(4, 4, 4, 4);
    m_replicaView->setObjectName(QStringLiteral("replicaTable"));
    m_replicaView->setModel(m_replicaTable);
    m_replicaView->verticalHeader()->hide();
    m_replicaView->horizontalHeader()->setStretchLastSection(true);
    for (int c = 0; c < ReplicaTableModel::Memory; ++c)
        m_replicaView->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_replicaView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_replicaView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    replicasLayout->addWidget(m_replicaView);
    // No minimum of its own (a table's is tall): the console's window must still fit 650 pixels
    // high. The splitter shares the height by stretch, so it shows unless the operator drags it shut.
    replicasBox->setMinimumHeight(1);
    split->addWidget(charts);
    split->addWidget(replicasBox);
    split->addWidget(rolloutBox);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);
    split->setStretchFactor(2, 1);

    // Jobs (issue 17): the endpoint's queue, and the way to its jobs; over the replicas that run
    // them, in their box, whose own minimum keeps the window within 650 pixels high.
    auto *jobsLine = new QHBoxLayout;
    m_jobs = new QLabel(this);
    m_jobs->setObjectName(QStringLiteral("detailJobs"));
    auto *openJobs = new QPushButton(tr("Open in Jobs"), this);
    openJobs->setObjectName(QStringLiteral("detailOpenJobs"));
    openJobs->setToolTip(tr("The Jobs view, showing this endpoint's jobs"));
    connect(openJobs, &QPushButton::clicked, this, [this] { Q_EMIT jobsRequested(m_endpoint->currentEndpoint()); });
    connect(&m_endpoints.queueCounts(), &JobQueueCounts::changed, this, &EndpointDetailView::updateJobs);
    connect(m_endpoint, &EndpointSelector::currentEndpointChanged, this, &EndpointDetailView::updateJobs);
    // The endpoint's own job concurrency, changed by a modify.
    connect(&m_endpoints, &QAbstractItemModel::dataChanged, this, &EndpointDetailView::updateJobs);
    jobsLine->addWidget(m_jobs);
    jobsLine->addWidget(openJobs);
    jobsLine->addStretch(1);
    updateJobs();
    replicasLayout->insertLayout(0, jobsLine);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    m_repaint->setSingleShot(true);
    connect(m_repaint, &QTimer::timeout, this, &EndpointDetailView::redraw);
    connect(&m_history, &MetricsHistory::recorded, this, &EndpointDetailView::sampleRecorded);
    connect(m_endpoint, &EndpointSelector::currentEndpointChanged, this, [this](const QUuid &id) {
        m_split->setEndpoint(id);
        m_rollout->setEndpoint(id);
        m_replicaTable->setEndpoint(id);
        refreshNow();
    });
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        QSettings(kOrganization, QCoreApplication::applicationName()).setValue(kRangeKey, m_range->currentIndex());
        refreshNow();
    });
    {
        const QSignalBlocker quiet(m_range);
        const int remembered = QSettings(kOrganization, QCoreApplication::applicationName()).value(kRangeKey, 0).toInt();
        m_range->setCurrentIndex(std::clamp(remembered, 0, m_range->count() - 1));
    }
    m_split->setEndpoint(m_endpoint->currentEndpoint());
    m_rollout->setEndpoint(m_endpoint->currentEndpoint());
    m_replicaTable->setEndpoint(m_endpoint->currentEndpoint());
    applyTheme();
    m_sinceRedraw.start();
}

EndpointDetailView::~EndpointDetailView() = default;

qint64 EndpointDetailView::rangeMs(Range range)
{
    switch (range) {
    case Range::FiveMinutes:
        return 5 * 60 * 1000;
    case Range::FifteenMinutes:
        return 15 * 60 * 1000;
    case Range::Hour:
        return 60 * 60 * 1000;
    }
    return 0;
}

EndpointDetailView::Range EndpointDetailView::range() const
{
    return Range(m_range->currentData().toInt());
}

void EndpointDetailView::setRange(Range range)
{
    m_range->setCurrentIndex(m_range->findData(int(range)));
}

QChartView *EndpointDetailView::makeChart(const QString &title, QValueAxis **valueAxis, QDateTimeAxis **timeAxis)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignBottom);
    QFont small = chart->legend()->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    chart->legend()->setFont(small);
    QFont titleFont = chart->titleFont();
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);

    *timeAxis = new QDateTimeAxis(chart);
    (*timeAxis)->setTickCount(4);
    (*timeAxis)->setLabelsFont(small);
    chart->addAxis(*timeAxis, Qt::AlignBottom);
    *valueAxis = new QValueAxis(chart);
    (*valueAxis)->setLabelsFont(small);
    (*valueAxis)->setRange(0, 1);
    chart->addAxis(*valueAxis, Qt::AlignLeft);

    auto *view = new QChartView(chart, this);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(220, 170);
    m_views << view;
    return view;
}

QLineSeries *EndpointDetailView::addLine(QChart *chart, QValueAxis *valueAxis, QDateTimeAxis *timeAxis,
                                         const QString &name, const QString &title)
{
    auto *line = new QLineSeries(chart);
    line->setObjectName(name);
    line->setName(title);
    chart->addSeries(line);
    line->attachAxis(timeAxis);
    line->attachAxis(valueAxis);
    return line;
}

QList<QChart *> EndpointDetailView::charts() const
{
    QList<QChart *> result;
    for (QChartView *view : m_views)
        result << view->chart();
    return result;
}

QList<QXYSeries *> EndpointDetailView::series() const
{
    QList<QXYSeries *> result;
    for (QChartView *view : m_views) {
        for (QAbstractSeries *s : view->chart()->series()) {
            if (auto *xy = qobject_cast<QXYSeries *>(s))
                result << xy;
        }
    }
    return result;
}

QXYSeries *EndpointDetailView::series(const QString &name) const
{
    for (QXYSeries *s : series()) {
        if (s->objectName() == name)
            return s;
    }
    return nullptr;
}

void EndpointDetailView::sampleRecorded()
{
    m_stale = true;
    // Hidden, nothing is drawn; showing it draws what it missed.
    if (!isVisible() || m_repaint->isActive())
        return;
    const qint64 wait = kRepaintIntervalMs - m_sinceRedraw.elapsed();
    m_repaint->start(int(std::max<qint64>(0, wait)));
}

void EndpointDetailView::refreshNow()
{
    m_repaint->stop();
    m_stale = true;
    redraw();
}

void EndpointDetailView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refreshNow();
}

void EndpointDetailView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
    QWidget::changeEvent(event);
}

void EndpointDetailView::applyTheme()
{
    for (QChartView *view : std::as_const(m_views))
        applyChartPalette(view->chart(), palette());
    const auto pen = [](const QColor &colour, Qt::PenStyle style = Qt::SolidLine) {
        QPen p(colour, 2);
        p.setStyle(style);
        return p;
    };
    m_desired->setPen(pen(Theme::color(Theme::Role::ChartDesired), Qt::DashLine));
    m_healthy->setPen(pen(routeStatusColour(RouteStatus::Healthy)));
    for (int s = 0; s < m_routeLines.size(); ++s)
        m_routeLines.at(s)->setPen(pen(routeStatusColour(RouteStatus(s))));
    m_requests->setPen(pen(Theme::color(Theme::Role::ChartRequests)));
    m_p95->setPen(pen(Theme::color(Theme::Role::ChartLatency)));
    m_tokensPerSecond->setPen(pen(Theme::color(Theme::Role::ChartRequests)));
    m_ttftP50->setPen(pen(Theme::color(Theme::Role::ChartLatency), Qt::DashLine));
    m_ttftP95->setPen(pen(Theme::color(Theme::Role::ChartLatency)));
    // Replica lines get their colours when drawn.
    m_stale = true;
    if (isVisible())
        refreshNow();
}

void EndpointDetailView::redraw()
{
    m_sinceRedraw.restart();
    m_stale = false;
    ++m_redraws;
    const QUuid id = m_endpoint->currentEndpoint();
    const qint64 toMs = QDateTime::currentMSecsSinceEpoch();
    const qint64 fromMs = toMs - rangeMs(range());
    const QString format = range() == Range::FiveMinutes ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm");
    for (QDateTimeAxis *axis : {m_replicasTime, m_routesTime, m_trafficTime, m_cpuTime, m_memoryTime, m_tokensTime}) {
        axis->setFormat(format);
        axis->setRange(QDateTime::fromMSecsSinceEpoch(fromMs), QDateTime::fromMSecsSinceEpoch(toMs));
    }

    const MetricsHistory::EndpointSeries *history = id.isNull() ? nullptr : m_history.endpoint(id);
    if (!history) {
        for (QLineSeries *line : {m_desired, m_healthy, m_requests, m_p95, m_tokensPerSecond, m_ttftP50, m_ttftP95})
            line->clear();
        for (QLineSeries *line : std::as_const(m_routeLines))
            line->clear();
        fitCountAxis(m_replicasValue, 1);
        fitCountAxis(m_routesValue, 1);
    } else {
        const qsizetype first = history->lowerBound(fromMs, [](const EndpointSample &s) { return s.timeMs; });
        const QList<QPointF> desired = pointsOf(*history, first, kMaxDrawnPoints,
                                                [](const EndpointSample &s) { return float(s.desired); });
        const QList<QPointF> healthy = pointsOf(*history, first, kMaxDrawnPoints,
                                                [](const EndpointSample &s) { return float(s.healthy()); });
        m_desired->replace(desired);
        m_healthy->replace(healthy);
        fitCountAxis(m_replicasValue, std::max(peakOf(desired, 1), peakOf(healthy, 1)));

        double routesPeak = 1;
        for (int s = 0; s < m_routeLines.size(); ++s) {
            const QList<QPointF> points = pointsOf(*history, first, kMaxDrawnPoints,
                                                   [s](const EndpointSample &sample) { return float(sample.routes[s]); });
            m_routeLines.at(s)->replace(points);
            const double peak = peakOf(points, 0);
            routesPeak = std::max(routesPeak, peak);
            // A status no route had in this range adds nothing but a legend entry.
            const bool seen = peak > 0;
            m_routeLines.at(s)->setVisible(seen);
            for (QLegendMarker *marker : m_routeLines.at(s)->chart()->legend()->markers(m_routeLines.at(s)))
                marker->setVisible(seen);
        }
        fitCountAxis(m_routesValue, routesPeak);

        const QList<QPointF> requests = pointsOf(*history, first, kMaxDrawnPoints,
                                                 [](const EndpointSample &s) { return s.requestsPerSecond; });
        const QList<QPointF> p95 = pointsOf(*history, first, kMaxDrawnPoints,
                                            [](const EndpointSample &s) { return s.p95Ms; });
        m_requests->replace(requests);
        m_p95->replace(p95);
        fitAxis(m_requestsValue, peakOf(requests, 1));
        fitAxis(m_latencyValue, peakOf(p95, 1));

        const QList<QPointF> tokensPerSecond = pointsOf(*history, first, kMaxDrawnPoints,
                                                        [](const EndpointSample &s) { return s.tokensPerSecond; });
        const QList<QPointF> ttftP50 = pointsOf(*history, first, kMaxDrawnPoints,
                                                [](const EndpointSample &s) { return s.ttftP50Ms; });
        const QList<QPointF> ttftP95 = pointsOf(*history, first, kMaxDrawnPoints,
                                                [](const EndpointSample &s) { return s.ttftP95Ms; });
        m_tokensPerSecond->replace(tokensPerSecond);
        m_ttftP50->replace(ttftP50);
        m_ttftP95->replace(ttftP95);
        fitAxis(m_tokensValue, peakOf(tokensPerSecond, 1));
        fitAxis(m_ttftValue, std::max(peakOf(ttftP50, 1), peakOf(ttftP95, 1)));
    }
    // An endpoint that answered no OpenAI-style request in this range has nothing to draw here: say so.
    bool generated = false;
    for (QLineSeries *line : {m_tokensPerSecond, m_ttftP50, m_ttftP95}) {
        const bool drawn = line->count() > 0;
        generated = generated || drawn;
        line->setVisible(drawn);
        for (QLegendMarker *marker : line->chart()->legend()->markers(line))
            marker->setVisible(drawn);
    }
    m_tokensPerSecond->chart()->setTitle(generated ? tr("Generation") : tr("Generation: no OpenAI-style answers"));
    redrawReplicas(fromMs, toMs);
    updateSummary();
}

void EndpointDetailView::redrawReplicas(qint64 fromMs, qint64 toMs)
{
    Q_UNUSED(toMs)
    const QUuid id = m_endpoint->currentEndpoint();
    // The replicas with the newest samples: the ones running now before the ones that stopped.
    QList<std::pair<qint64, QUuid>> candidates;
    for (const QUuid &route : m_history.replicas(id)) {
        const MetricsHistory::ReplicaSeries *s = m_history.replica(id, route);
        if (s && !s->isEmpty() && s->last().timeMs >= fromMs)
            candidates.append({s->last().timeMs, route});
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    if (candidates.size() > kMaxReplicaSeries)
        candidates.resize(kMaxReplicaSeries);
    QList<QUuid> shown;
    for (const QUuid &route : m_history.replicas(id)) {
        if (std::any_of(candidates.begin(), candidates.end(), [&](const auto &c) { return c.second == route; }))
            shown << route;
    }

    // Lines of replicas no longer shown go; new ones come.
    QChart *cpuChart = m_views.at(3)->chart();
    QChart *memoryChart = m_views.at(4)->chart();
    for (auto it = m_replicaLines.begin(); it != m_replicaLines.end();) {
        if (shown.contains(it.key())) {
            ++it;
            continue;
        }
        for (QLineSeries *line : {it->cpu, it->gpu, it->memory}) {
            if (line) {
                line->chart()->removeSeries(line);
                delete line;
            }
        }
        it = m_replicaLines.erase(it);
    }
    double cpuPeak = 1;
    double memoryPeak = 1;
    for (qsizetype i = 0; i < shown.size(); ++i) {
        const QUuid route = shown.at(i);
        const MetricsHistory::ReplicaSeries *s = m_history.replica(id, route);
        const QString shortId = DisplayFormat::shortId(route);
        ReplicaLines &lines = m_replicaLines[route];
        if (!lines.cpu) {
            lines.cpu = addLine(cpuChart, m_cpuValue, m_cpuTime, QStringLiteral("cpu-") + shortId, shortId);
            lines.memory = addLine(memoryChart, m_memoryValue, m_memoryTime, QStringLiteral("memory-") + shortId, shortId);
        }
        // Replica lines are told apart by colour; one replica's CPU, GPU and memory share one.
        const QColor colour = Theme::color(Theme::series(i));
        lines.cpu->setPen(QPen(colour, 2));
        lines.memory->setPen(QPen(colour, 2));
        const qsizetype first = s->lowerBound(fromMs, [](const ReplicaSample &r) { return r.timeMs; });
        const QList<QPointF> cpu = pointsOf(*s, first, kMaxDrawnPoints, [](const ReplicaSample &r) { return r.cpuPercent; });
        const QList<QPointF> memory = pointsOf(*s, first, kMaxDrawnPoints, [](const ReplicaSample &r) { return r.memoryMiB; });
        const QList<QPointF> gpu = pointsOf(*s, first, kMaxDrawnPoints, [](const ReplicaSample &r) { return r.gpuPercent; });
        lines.cpu->replace(cpu);
        lines.memory->replace(memory);
        cpuPeak = std::max(cpuPeak, peakOf(cpu, 0));
        memoryPeak = std::max(memoryPeak, peakOf(memory, 0));
        // GPU utilization joins the CPU chart, dashed, for replicas that were given a GPU.
        if (!gpu.isEmpty() && !lines.gpu) {
            lines.gpu = addLine(cpuChart, m_cpuValue, m_cpuTime, QStringLiteral("gpu-") + shortId, tr("%1 GPU").arg(shortId));
        }
        if (lines.gpu) {
            QPen dashed(colour, 2);
            dashed.setStyle(Qt::DashLine);
            lines.gpu->setPen(dashed);
            lines.gpu->replace(gpu);
            cpuPeak = std::max(cpuPeak, peakOf(gpu, 0));
        }
    }
    fitAxis(m_cpuValue, cpuPeak);
    fitAxis(m_memoryValue, memoryPeak);
    const qsizetype total = m_history.replicas(id).size();
    cpuChart->setTitle(total > shown.size() ? tr("Replica CPU (%1 of %2)").arg(shown.size()).arg(total) : tr("Replica CPU"));
    memoryChart->setTitle(total > shown.size() ? tr("Replica memory (%1 of %2)").arg(shown.size()).arg(total)
                                               : tr("Replica memory"));
}

void EndpointDetailView::updateSummary()
{
    const QUuid id = m_endpoint->currentEndpoint();
    const EndpointInfo *info = id.isNull() ? nullptr : m_endpoints.find(id);
    if (!info) {
        m_summary->setText(tr("No endpoint selected."));
        return;
    }
    QStringList parts{info->endpoint.modelVersion, endpointStatusName(info->status)};
    // The endpoint's count is its current revision's; a rollout's new replicas are its own.
    int healthy = 0;
    for (const Route &r : info->routes)
        healthy += r.status == RouteStatus::Healthy && r.revisionId == info->endpoint.currentRevisionId ? 1 : 0;
    parts << tr("%1 of %2 replicas healthy").arg(healthy).arg(info->endpoint.replicas);
    if (const auto latest = m_history.latest(id)) {
        parts << tr("%1 req/s").arg(QString::number(latest->requestsPerSecond, 'f', 1));
        if (latest->hasP95())
            parts << tr("p95 %1 ms").arg(QString::number(latest->p95Ms, 'f', 0));
        if (latest->hasTokens())
            parts << tr("%1 tokens/s").arg(QString::number(latest->tokensPerSecond, 'f', 1));
    }
    m_summary->setText(parts.join(QStringLiteral(" · ")));
}

void EndpointDetailView::updateJobs()
{
    const QUuid id = m_endpoint->currentEndpoint();
    const JobQueueCounts::Counts jobs = m_endpoints.queueCounts().counts(id);
    QString text = tr("Jobs: %1 queued, %2 running").arg(jobs.queued).arg(jobs.running);
    if (const EndpointInfo *info = id.isNull() ? nullptr : m_endpoints.find(id); info && info->endpoint.jobConcurrency > 0)
        text += tr(", at most %1 at once").arg(info->endpoint.jobConcurrency);
    m_jobs->setText(text);
}

} // namespace ServeDeck
