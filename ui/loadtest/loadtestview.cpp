#include "loadtestview.h"

#include <algorithm>
#include <cmath>

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QLegend>
#include <QLogValueAxis>
#include <QLineEdit>
#include <QLineSeries>
#include <QLocale>
#include <QPen>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include "plane/controlclient.h"
#include "ui/common/chartpalette.h"
#include "ui/common/endpointselector.h"
#include "ui/common/errorlabel.h"
#include "ui/common/theme.h"
#include "ui/endpoints/endpointlistmodel.h"
#include "ui/loadtest/loadtestcontroller.h"
#include "ui/loadtest/loadtesthistorymodel.h"

namespace ServeDeck {

namespace {

double ms(qint64 ns)
{
    return double(ns) / 1e6;
}

QString msText(qint64 ns)
{
    return QLocale().toString(ms(ns), 'f', 1);
}

} // namespace

LoadTestView::LoadTestView(ControlClient &client, EndpointListModel &endpoints, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_endpoints(endpoints)
    , m_controller(new LoadTestController(this))
    , m_endpoint(new EndpointSelector(endpoints, EndpointSelector::Scope::OneEndpoint, this))
    , m_mode(new QComboBox(this))
    , m_rate(new QDoubleSpinBox(this))
    , m_rampFrom(new QDoubleSpinBox(this))
    , m_rampTo(new QDoubleSpinBox(this))
    , m_concurrency(new QSpinBox(this))
    , m_requests(new QSpinBox(this))
    , m_duration(new QDoubleSpinBox(this))
    , m_path(new QLineEdit(this))
    , m_body(new QPlainTextEdit(this))
    , m_targets(new QLineEdit(this))
    , m_start(new QPushButton(tr("Start"), this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_progress(new QProgressBar(this))
    , m_problem(new ErrorLabel(QStringLiteral("loadTestProblem"), this))
    , m_summary(new QLabel(this))
    , m_badges(new QHBoxLayout)
    // Each view made with its chart: a view made without one makes a default chart, which
    // setChart() would release to nobody.
    , m_liveView(new QChartView(new QChart, this))
    , m_histogramView(new QChartView(new QChart, this))
    , m_history(new LoadTestHistoryModel(this))
    , m_historyView(new QTableView(this))
    , m_compareButton(new QPushButton(tr("Compare"), this))
    , m_exportButton(new QPushButton(tr("Export…"), this))
    , m_compare(new QTableWidget(this))
{
    setObjectName(QStringLiteral("loadTestView"));
    m_mode->setObjectName(QStringLiteral("loadTestMode"));
    m_mode->addItem(tr("Fixed rate"), int(LoadTestSettings::Mode::Rate));
    m_mode->addItem(tr("Ramp"), int(LoadTestSettings::Mode::Ramp));
    m_mode->addItem(tr("Poisson"), int(LoadTestSettings::Mode::Poisson));
    m_mode->addItem(tr("Closed loop"), int(LoadTestSettings::Mode::Closed));
    for (QDoubleSpinBox *rate : {m_rate, m_rampFrom, m_rampTo}) {
        rate->setRange(0.1, LoadTestSettings::kMaxRate);
        rate->setDecimals(1);
        rate->setSuffix(tr(" /s"));
    }
    m_rate->setObjectName(QStringLiteral("loadTestRate"));
    m_rate->setValue(50);
    m_rampFrom->setObjectName(QStringLiteral("loadTestRampFrom"));
    m_rampFrom->setValue(10);
    m_rampTo->setObjectName(QStringLiteral("loadTestRampTo"));
    m_rampTo->setValue(100);
    m_concurrency->setObjectName(QStringLiteral("loadTestConcurrency"));
    m_concurrency->setRange(1, LoadTestSettings::kMaxConcurrency);
    m_concurrency->setValue(10);
    m_requests->setObjectName(QStringLiteral("loadTestRequests"));
    m_requests->setRange(0, 10000000);
    m_requests->setValue(50);
    m_requests->setSpecialValueText(tr("by duration"));
    m_duration->setObjectName(QStringLiteral("loadTestDuration"));
    m_duration->setRange(0.1, double(LoadTestSettings::kMaxDurationMs) / 1000.0);
    m_duration->setDecimals(1);
    m_duration->setValue(10);
    m_duration->setSuffix(tr(" s"));
    m_path->setObjectName(QStringLiteral("loadTestPath"));
    m_path->setPlaceholderText(tr("/predict"));
    m_body->setObjectName(QStringLiteral("loadTestBody"));
    m_body->setPlaceholderText(tr("Request body (JSON)"));
    m_body->setMaximumHeight(70);
    m_targets->setObjectName(QStringLiteral("loadTestTargets"));
    m_targets->setText(QStringLiteral("rps>30 p95<200ms success>95%"));
    m_targets->setToolTip(tr("Pass/fail targets, separated by spaces: rps>30 p95<200ms success>95% ttft_p95<500ms"));
    m_start->setObjectName(QStringLiteral("loadTestStart"));
    m_cancel->setObjectName(QStringLiteral("loadTestCancel"));
    m_progress->setObjectName(QStringLiteral("loadTestProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    m_summary->setObjectName(QStringLiteral("loadTestSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setText(tr("No run yet."));

    auto *settings = new QGroupBox(tr("Settings"), this);
    auto *form = new QFormLayout(settings);
    form->addRow(tr("Endpoint"), m_endpoint);
    form->addRow(tr("Mode"), m_mode);
    form->addRow(tr("Rate"), m_rate);
    auto *ramp = new QHBoxLayout;
    ramp->addWidget(m_rampFrom);
    ramp->addWidget(new QLabel(tr("to"), settings));
    ramp->addWidget(m_rampTo);
    form->addRow(tr("Ramp"), ramp);
    form->addRow(tr("Concurrency"), m_concurrency);
    form->addRow(tr("Requests"), m_requests);
    form->addRow(tr("Duration"), m_duration);
    form->addRow(tr("Path"), m_path);
    form->addRow(tr("Body"), m_body);
    form->addRow(tr("Targets"), m_targets);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_start);
    form->addRow(buttons);
    form->addRow(m_progress);
    form->addRow(m_problem);

    // The live chart: rates on the left axis, latency percentiles on the right, seconds along.
    QChart *live = m_liveView->chart();
    live->setTitle(tr("Live"));
    live->legend()->setAlignment(Qt::AlignBottom);
    m_liveView->setRenderHint(QPainter::Antialiasing);
    m_liveView->setObjectName(QStringLiteral("loadTestLiveChart"));
    m_timeAxis = new QValueAxis(live);
    m_timeAxis->setTitleText(tr("s"));
    m_timeAxis->setLabelFormat(QStringLiteral("%g"));
    m_rateAxis = new QValueAxis(live);
    m_rateAxis->setTitleText(tr("requests/s"));
    m_rateAxis->setLabelFormat(QStringLiteral("%g"));
    m_latencyAxis = new QValueAxis(live);
    m_latencyAxis->setTitleText(tr("ms"));
    m_latencyAxis->setLabelFormat(QStringLiteral("%g"));
    live->addAxis(m_timeAxis, Qt::AlignBottom);
    live->addAxis(m_rateAxis, Qt::AlignLeft);
    live->addAxis(m_latencyAxis, Qt::AlignRight);
    // Answered first, so the dashed sent line shows over it where they agree.
    m_answered = addLine(live, m_rateAxis, QStringLiteral("answered"), tr("Answered/s"));
    m_sent = addLine(live, m_rateAxis, QStringLiteral("sent"), tr("Sent/s"));
    m_p50 = addLine(live, m_latencyAxis, QStringLiteral("p50"), tr("p50"));
    m_p95 = addLine(live, m_latencyAxis, QStringLiteral("p95"), tr("p95"));
    m_p99 = addLine(live, m_latencyAxis, QStringLiteral("p99"), tr("p99"));
    m_timeAxis->setRange(0, 10);
    m_rateAxis->setRange(0, 10);
    m_latencyAxis->setRange(0, 10);

    QChart *histogram = m_histogramView->chart();
    histogram->setTitle(tr("Latency histogram"));
    histogram->legend()->hide();
    m_histogramView->setObjectName(QStringLiteral("loadTestHistogram"));
    m_bars = new QBarSeries(histogram);
    m_bars->setObjectName(QStringLiteral("histogram"));
    m_bars->setBarWidth(0.9);
    histogram->addSeries(m_bars);

    auto *charts = new QSplitter(Qt::Vertical, this);
    charts->addWidget(m_liveView);
    charts->addWidget(m_histogramView);
    charts->setChildrenCollapsible(false);

    // Scrolled where the window is short: the form must not set the window's least height.
    auto *settingsScroll = new QScrollArea(this);
    settingsScroll->setWidget(settings);
    settingsScroll->setWidgetResizable(true);
    settingsScroll->setFrameShape(QFrame::NoFrame);
    settingsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    settingsScroll->setMinimumWidth(settings->sizeHint().width() + 16);
    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(settingsScroll);
    top->addWidget(charts);
    top->setStretchFactor(0, 0);
    top->setStretchFactor(1, 1);
    top->setChildrenCollapsible(false);

    auto *results = new QGroupBox(tr("Result"), this);
    auto *resultLayout = new QVBoxLayout(results);
    m_badges->addStretch(1);
    resultLayout->addLayout(m_badges);
    resultLayout->addWidget(m_summary);
    resultLayout->addStretch(1);

    auto *sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(m_history);
    sorted->setSortRole(LoadTestHistoryModel::SortRole);
    m_historyView->setObjectName(QStringLiteral("loadTestHistory"));
    m_historyView->setModel(sorted);
    m_historyView->setSortingEnabled(true);
    m_historyView->sortByColumn(LoadTestHistoryModel::Started, Qt::DescendingOrder);
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_historyView->verticalHeader()->hide();
    m_historyView->horizontalHeader()->setStretchLastSection(true);
    m_historyView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_compareButton->setObjectName(QStringLiteral("loadTestCompareButton"));
    m_compareButton->setToolTip(tr("Select two runs to see them side by side"));
    m_exportButton->setObjectName(QStringLiteral("loadTestExport"));
    m_exportButton->setToolTip(tr("Save the selected run as JSON or CSV"));
    m_compare->setObjectName(QStringLiteral("loadTestCompare"));
    m_compare->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_compare->horizontalHeader()->setStretchLastSection(true);
    m_compare->hide();

    auto *history = new QGroupBox(tr("Runs"), this);
    auto *historyLayout = new QVBoxLayout(history);
    auto *historyButtons = new QHBoxLayout;
    historyButtons->addStretch(1);
    historyButtons->addWidget(m_compareButton);
    historyButtons->addWidget(m_exportButton);
    auto *historyTables = new QHBoxLayout;
    historyTables->addWidget(m_historyView, 3);
    historyTables->addWidget(m_compare, 2);
    historyLayout->addLayout(historyTables);
    historyLayout->addLayout(historyButtons);

    auto *bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(results);
    bottom->addWidget(history);
    bottom->setStretchFactor(0, 1);
    bottom->setStretchFactor(1, 2);
    bottom->setChildrenCollapsible(false);

    auto *all = new QSplitter(Qt::Vertical, this);
    all->addWidget(top);
    all->addWidget(bottom);
    all->setStretchFactor(0, 3);
    all->setStretchFactor(1, 2);
    all->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(all);

    connect(m_mode, &QComboBox::currentIndexChanged, this, &LoadTestView::modeChanged);
    connect(m_endpoint, &EndpointSelector::currentEndpointChanged, this, &LoadTestView::endpointChanged);
    connect(m_start, &QPushButton::clicked, this, &LoadTestView::start);
    connect(m_cancel, &QPushButton::clicked, this, &LoadTestView::cancel);
    connect(m_compareButton, &QPushButton::clicked, this, &LoadTestView::compareSelected);
    connect(m_exportButton, &QPushButton::clicked, this, &LoadTestView::exportSelected);
    connect(m_controller, &LoadTestController::progressed, this, &LoadTestView::progressed);
    connect(m_controller, &LoadTestController::finished, this, &LoadTestView::finished);
    connect(m_historyView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &LoadTestView::updateButtons);
    connect(m_history, &QAbstractItemModel::modelReset, this, &LoadTestView::updateButtons);
    modeChanged();
    applyTheme();
    endpointChanged(m_endpoint->currentEndpoint());
}

LoadTestView::~LoadTestView() = default;

QLineSeries *LoadTestView::addLine(QChart *chart, QValueAxis *axis, const QString &name, const QString &title)
{
    auto *line = new QLineSeries(chart);
    line->setObjectName(name);
    line->setName(title);
    chart->addSeries(line);
    line->attachAxis(m_timeAxis);
    line->attachAxis(axis);
    return line;
}

QList<QChart *> LoadTestView::charts() const
{
    return {m_liveView->chart(), m_histogramView->chart()};
}

QLineSeries *LoadTestView::series(const QString &name) const
{
    for (QLineSeries *line : {m_sent, m_answered, m_p50, m_p95, m_p99}) {
        if (line->objectName() == name)
            return line;
    }
    return nullptr;
}

QList<QLabel *> LoadTestView::targetBadges() const
{
    return m_badgeLabels;
}

bool LoadTestView::isRunning() const
{
    return m_preparing || m_controller->isRunning();
}

void LoadTestView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
    QWidget::changeEvent(event);
}

void LoadTestView::applyTheme()
{
    for (QChart *chart : charts())
        applyChartPalette(chart, palette());
    const QList<std::pair<QLineSeries *, Theme::Role>> lines{{m_sent, Theme::Role::ChartDesired},
                                                            {m_answered, Theme::Role::ChartRequests},
                                                            {m_p50, Theme::Role::Series3},
                                                            {m_p95, Theme::Role::ChartLatency},
                                                            {m_p99, Theme::Role::Series5}};
    for (const auto &[line, role] : lines) {
        QPen pen(Theme::color(role));
        pen.setWidthF(2.0);
        if (line == m_sent)
            pen.setStyle(Qt::DashLine);
        line->setPen(pen);
    }
    for (QBarSet *set : m_bars->barSets())
        set->setColor(Theme::color(Theme::Role::ChartRequests));
}

void LoadTestView::modeChanged()
{
    const auto mode = LoadTestSettings::Mode(m_mode->currentData().toInt());
    m_rate->setEnabled(mode == LoadTestSettings::Mode::Rate || mode == LoadTestSettings::Mode::Poisson);
    m_rampFrom->setEnabled(mode == LoadTestSettings::Mode::Ramp);
    m_rampTo->setEnabled(mode == LoadTestSettings::Mode::Ramp);
    m_concurrency->setEnabled(mode == LoadTestSettings::Mode::Closed);
    m_requests->setEnabled(mode == LoadTestSettings::Mode::Closed);
}

void LoadTestView::endpointChanged(const QUuid &id)
{
    if (const EndpointInfo *info = m_endpoints.find(id)) {
        if (info->request) {
            m_path->setText(info->request->path);
            m_body->setPlainText(QString::fromUtf8(info->request->example));
        }
    }
    updateButtons();
    refreshHistory();
}

void LoadTestView::start()
{
    const EndpointInfo *info = m_endpoints.find(m_endpoint->currentEndpoint());
    if (!info || isRunning())
        return;
    LoadTestSettings s;
    s.endpoint = info->endpoint.name;
    QString path = m_path->text().trimmed();
    if (!path.isEmpty() && !path.startsWith(u'/'))
        path.prepend(u'/');
    const QUrl endpointUrl(info->endpoint.url);
    s.url = QUrl(info->endpoint.url + path);
    s.body = m_body->toPlainText().toUtf8();
    if (!s.body.isEmpty())
        s.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    s.mode = LoadTestSettings::Mode(m_mode->currentData().toInt());
    s.rate = m_rate->value();
    s.rampFrom = m_rampFrom->value();
    s.rampTo = m_rampTo->value();
    s.concurrency = m_concurrency->value();
    s.totalRequests = s.mode == LoadTestSettings::Mode::Closed ? m_requests->value() : 0;
    s.durationMs = qint64(std::llround(m_duration->value() * 1000.0));
    s.targets.clear();
    QStringList problems;
    for (const QString &text : m_targets->text().split(u' ', Qt::SkipEmptyParts)) {
        const auto target = LoadTestTarget::parse(text);
        if (target)
            s.targets.append(*target);
        else
            problems << target.error().message;
    }
    if (!problems.isEmpty()) {
        m_problem->showProblems(problems);
        return;
    }
    // Validated as any input is (the same rules as the API's): typed, naming the field.
    auto valid = LoadTestSettings::fromJson(s.toJson(), endpointUrl);
    if (!valid) {
        m_problem->showProblem(valid.error().message);
        return;
    }
    m_problem->showProblem({});
    m_runEndpoint = info->endpoint.id;
    if (info->endpoint.isPublic) {
        launch(*valid);
        return;
    }
    // A private endpoint: a token for this run only, minted on the control thread.
    m_preparing = true;
    updateButtons();
    const qint64 expiry = valid->durationMs / 1000 + valid->timeoutMs / 1000 + kTokenMarginSeconds;
    m_client.call(
        this,
        [ref = info->endpoint.id.toString(QUuid::WithoutBraces), expiry](ModelServingService &service) {
            TokenRequest request;
            request.scope = QStringLiteral("inference");
            request.expirySeconds = expiry;
            return service.generateToken(ref, request);
        },
        [this, settings = *valid](Result<GeneratedToken> token) mutable {
            m_preparing = false;
            if (!token) {
                m_problem->showProblem(token.error().typeName() + QStringLiteral(": ") + token.error().message);
                updateButtons();
                return;
            }
            settings.headers.append({QByteArrayLiteral("Authorization"), QByteArrayLiteral("Bearer ") + token->token});
            launch(std::move(settings));
        });
}

void LoadTestView::launch(LoadTestSettings settings)
{
    for (QLineSeries *line : {m_sent, m_answered, m_p50, m_p95, m_p99})
        line->clear();
    m_progress->setValue(0);
    m_summary->setText(tr("Running…"));
    if (!m_controller->start(settings))
        m_problem->showProblem(tr("A load test runs already."));
    updateButtons();
}

void LoadTestView::cancel()
{
    m_controller->cancel();
}

void LoadTestView::progressed(const LoadTestProgress &p)
{
    // LoadTest reports about four times a second: one redraw per report is the batching, fast
    // enough to watch a ramp, slow enough to cost nothing beside the run's own thread.
    const double t = double(p.elapsedMs) / 1000.0;
    const auto append = [t](QLineSeries *line, double value) {
        if (line->count() >= kMaxLivePoints)
            line->remove(0);
        line->append(t, value);
    };
    append(m_sent, p.sendRate);
    append(m_answered, p.answerRate);
    append(m_p50, ms(p.p50Ns));
    append(m_p95, ms(p.p95Ns));
    append(m_p99, ms(p.p99Ns));
    double rateTop = 1;
    double latencyTop = 1;
    for (const QPointF &point : m_sent->points())
        rateTop = std::max(rateTop, point.y());
    for (const QPointF &point : m_answered->points())
        rateTop = std::max(rateTop, point.y());
    for (const QPointF &point : m_p99->points())
        latencyTop = std::max(latencyTop, point.y());
    m_rateAxis->setRange(0, rateTop * 1.1);
    m_rateAxis->applyNiceNumbers();
    m_latencyAxis->setRange(0, latencyTop * 1.1);
    m_latencyAxis->applyNiceNumbers();
    m_timeAxis->setRange(m_sent->count() > kMaxLivePoints - 1 ? m_sent->at(0).x() : 0.0,
                         std::max(t, double(p.durationMs) / 1000.0));
    m_timeAxis->applyNiceNumbers();
    if (p.durationMs > 0)
        m_progress->setValue(int(std::clamp<qint64>(p.elapsedMs * 1000 / p.durationMs, 0, 1000)));
    m_summary->setText(tr("%1 s of %2 s · sent %3 · answered %4 · failed %5 · in flight %6 · late %7")
                           .arg(QLocale().toString(t, 'f', 1), QLocale().toString(double(p.durationMs) / 1000.0, 'f', 1))
                           .arg(p.sent)
                           .arg(p.answered)
                           .arg(p.failed)
                           .arg(p.inFlight)
                           .arg(p.late));
}

void LoadTestView::finished(const LoadTestResult &result)
{
    m_last = result;
    m_progress->setValue(result.cancelled ? m_progress->value() : 1000);
    showResult(result);
    updateButtons();
    Q_EMIT runFinished(result);
    storeRun(result);
}

void LoadTestView::showResult(const LoadTestResult &r)
{
    for (QLabel *badge : std::as_const(m_badgeLabels))
        delete badge;
    m_badgeLabels.clear();
    for (const LoadTestTargetOutcome &outcome : r.targets) {
        const QString actual = outcome.actual ? QLocale().toString(*outcome.actual, 'g', 4) : tr("none");
        auto *badge = new QLabel(tr("%1 %2 (%3)").arg(outcome.passed ? tr("✔") : tr("✘"), outcome.target.text(), actual), this);
        badge->setObjectName(QStringLiteral("targetBadge"));
        badge->setProperty("passed", outcome.passed);
        badge->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
        const QColor colour = Theme::color(outcome.passed ? Theme::Role::Success : Theme::Role::Error);
        badge->setStyleSheet(QStringLiteral("QLabel { color: white; background: %1; border-radius: 4px; padding: 2px 6px; }")
                                 .arg(colour.name()));
        m_badges->insertWidget(m_badgeLabels.size(), badge);
        m_badgeLabels.append(badge);
    }
    const LatencyHistogram &h = r.total.latency;
    QStringList statuses;
    for (auto it = r.total.statuses.cbegin(); it != r.total.statuses.cend(); ++it)
        statuses << QStringLiteral("%1×%2").arg(it.key() == 0 ? tr("no answer") : QString::number(it.key())).arg(it.value());
    QString text = tr("%1 · %2 requests · %3 % success · %4 requests/s")
                       .arg(r.cancelled ? tr("Cancelled") : r.passed() ? tr("Passed") : tr("Failed"))
                       .arg(r.sent)
                       .arg(QLocale().toString(r.total.successRatio() * 100.0, 'f', 1), QLocale().toString(r.throughput(), 'f', 1));
    text += u'\n'
        + tr("latency ms: p50 %1 · p90 %2 · p95 %3 · p99 %4 · p99.9 %5 · max %6")
              .arg(msText(h.percentileNs(50)), msText(h.percentileNs(90)), msText(h.percentileNs(95)),
                   msText(h.percentileNs(99)), msText(h.percentileNs(99.9)), msText(h.maxNs()));
    text += u'\n' + tr("statuses: %1 · started late: %2").arg(statuses.join(QStringLiteral(", "))).arg(r.late);
    if (r.total.tokens > 0)
        text += u'\n'
            + tr("time to first token p50 %1 ms · p95 %2 ms · %3 tokens/s")
                  .arg(msText(r.total.timeToFirstToken.percentileNs(50)), msText(r.total.timeToFirstToken.percentileNs(95)),
                       QLocale().toString(r.total.tokensPerSecond(), 'f', 1));
    if (r.byRevision.size() > 1) {
        for (auto it = r.byRevision.cbegin(); it != r.byRevision.cend(); ++it)
            text += u'\n'
                + tr("revision %1: %2 requests · p95 %3 ms · %4 % success")
                      .arg(QString::fromUtf8(it.key()))
                      .arg(it.value().answered)
                      .arg(msText(it.value().latency.percentileNs(95)),
                           QLocale().toString(it.value().successRatio() * 100.0, 'f', 1));
    }
    m_summary->setText(text);
    showHistogram(h);
}

void LoadTestView::showHistogram(const LatencyHistogram &h)
{
    QChart *chart = m_histogramView->chart();
    m_bars->clear();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
    const QList<LatencyHistogram::Bucket> buckets = h.buckets();
    if (buckets.isEmpty())
        return;
    // Log-spaced bars from the fastest to the slowest answer: latency spans decades.
    const double low = std::max<double>(1000.0, double(buckets.first().lowNs));
    const double high = std::max(low * 1.01, double(buckets.last().highNs));
    const double step = std::log(high / low) / kHistogramBars;
    QList<double> counts(kHistogramBars, 0.0);
    for (const LatencyHistogram::Bucket &b : buckets) {
        const double middle = std::max(low, (double(b.lowNs) + double(b.highNs)) / 2.0);
        const int bar = std::clamp(int(std::log(middle / low) / step), 0, kHistogramBars - 1);
        counts[bar] += double(b.count);
    }
    auto *set = new QBarSet(tr("Requests"));
    double top = 1;
    QStringList categories;
    for (int i = 0; i < kHistogramBars; ++i) {
        *set << counts.at(i);
        top = std::max(top, counts.at(i));
        categories << QString::number(i);
    }
    set->setColor(Theme::color(Theme::Role::ChartRequests));
    m_bars->append(set);
    // The bars stand on a hidden category axis; a log axis in ms spans the same width, so each
    // bar sits over its own range of latencies (the bars are log-spaced).
    auto *bars = new QBarCategoryAxis(chart);
    bars->append(categories);
    bars->setVisible(false);
    auto *x = new QLogValueAxis(chart);
    x->setBase(10);
    x->setLabelFormat(QStringLiteral("%g"));
    x->setTitleText(tr("ms"));
    x->setRange(low / 1e6, high / 1e6);
    chart->setTitle(tr("Latency histogram: %1 ms to %2 ms").arg(QLocale().toString(low / 1e6, 'g', 3),
                                                                  QLocale().toString(high / 1e6, 'g', 3)));
    x->setMinorTickCount(8);
    auto *y = new QValueAxis(chart);
    y->setLabelFormat(QStringLiteral("%d"));
    y->setRange(0, top * 1.1);
    y->applyNiceNumbers();
    chart->addAxis(bars, Qt::AlignBottom);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    m_bars->attachAxis(bars);
    m_bars->attachAxis(y);
    applyChartPalette(chart, palette());
}

void LoadTestView::storeRun(const LoadTestResult &result)
{
    m_client.call(
        this,
        [ref = m_runEndpoint.toString(QUuid::WithoutBraces), json = result.toJson()](ModelServingService &service) {
            return service.recordLoadTest(ref, json);
        },
        [this](Result<LoadTestRecord> stored) {
            if (!stored) {
                m_problem->showProblem(tr("The run was not stored: %1").arg(stored.error().message));
                return;
            }
            Q_EMIT runStored(stored->id);
            refreshHistory();
        });
}

void LoadTestView::refreshHistory()
{
    const QUuid endpoint = m_endpoint->currentEndpoint();
    m_client.call(
        this,
        [ref = endpoint.isNull() ? QString() : endpoint.toString(QUuid::WithoutBraces)](ModelServingService &service) {
            return service.listLoadTests(ref, LoadTestHistoryModel::kMaxRuns);
        },
        [this, endpoint](Result<QList<LoadTestRecord>> runs) {
            if (endpoint != m_endpoint->currentEndpoint())
                return;  // an answer for the endpoint shown before
            if (!runs) {
                m_problem->showProblem(runs.error().message);
                return;
            }
            m_history->setRuns(*runs);
            Q_EMIT historyLoaded();
        });
}

namespace {

// A stored run's figures, read back as strictly as any input.
Result<LoadTestResult> figuresOf(const Result<LoadTestRecord> &record)
{
    if (!record)
        return record.error();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(record->result, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return makeError(ErrorType::InvalidArgument, QStringLiteral("the stored run is not JSON"));
    return LoadTestResult::fromJson(doc.object());
}

} // namespace

bool LoadTestView::compareRows(int first, int second)
{
    const LoadTestRecord *a = m_history->run(first);
    const LoadTestRecord *b = m_history->run(second);
    if (!a || !b || first == second)
        return false;
    m_client.call(
        this,
        [left = a->id.toString(QUuid::WithoutBraces), right = b->id.toString(QUuid::WithoutBraces)](ModelServingService &service) {
            return std::pair(service.loadTest(left), service.loadTest(right));
        },
        [this](std::pair<Result<LoadTestRecord>, Result<LoadTestRecord>> runs) {
            const Result<LoadTestResult> left = figuresOf(runs.first);
            const Result<LoadTestResult> right = figuresOf(runs.second);
            if (!left || !right) {
                m_problem->showProblem((!left ? left.error() : right.error()).message);
                return;
            }
            showComparison(*left, *right);
            Q_EMIT compared();
        });
    return true;
}

void LoadTestView::showComparison(const LoadTestResult &a, const LoadTestResult &b)
{
    const auto row = [](const LoadTestResult &r) {
        const LatencyHistogram &h = r.total.latency;
        return QStringList{LoadTestSettings::modeName(r.settings.mode),
                           QString::number(r.sent),
                           QLocale().toString(r.total.successRatio() * 100.0, 'f', 1),
                           QLocale().toString(r.throughput(), 'f', 1),
                           msText(h.percentileNs(50)),
                           msText(h.percentileNs(90)),
                           msText(h.percentileNs(95)),
                           msText(h.percentileNs(99)),
                           msText(h.percentileNs(99.9)),
                           msText(h.maxNs()),
                           QString::number(r.late),
                           r.cancelled ? tr("cancelled") : r.passed() ? tr("passed") : tr("failed")};
    };
    const QStringList names{tr("Mode"), tr("Requests"), tr("Success (%)"), tr("Requests/s"), tr("p50 (ms)"),
                            tr("p90 (ms)"), tr("p95 (ms)"), tr("p99 (ms)"), tr("p99.9 (ms)"), tr("max (ms)"),
                            tr("Started late"), tr("Targets")};
    const QStringList left = row(a);
    const QStringList right = row(b);
    m_compare->clear();
    m_compare->setRowCount(int(names.size()));
    m_compare->setColumnCount(2);
    // Times only: the two columns must stay narrow enough to sit beside the list.
    m_compare->setHorizontalHeaderLabels({QLocale().toString(a.startedAt.toLocalTime().time(), QLocale::ShortFormat),
                                          QLocale().toString(b.startedAt.toLocalTime().time(), QLocale::ShortFormat)});
    m_compare->setVerticalHeaderLabels(names);
    for (int i = 0; i < names.size(); ++i) {
        m_compare->setItem(i, 0, new QTableWidgetItem(left.at(i)));
        m_compare->setItem(i, 1, new QTableWidgetItem(right.at(i)));
    }
    m_compare->show();
}

void LoadTestView::compareSelected()
{
    const QModelIndexList rows = m_historyView->selectionModel()->selectedRows();
    if (rows.size() != 2)
        return;
    const auto *sorted = qobject_cast<const QSortFilterProxyModel *>(m_historyView->model());
    compareRows(sorted->mapToSource(rows.at(0)).row(), sorted->mapToSource(rows.at(1)).row());
}

bool LoadTestView::exportRow(int row, const QString &path)
{
    const LoadTestRecord *run = m_history->run(row);
    if (!run || path.isEmpty())
        return false;
    m_client.call(
        this, [id = run->id.toString(QUuid::WithoutBraces)](ModelServingService &service) { return service.loadTest(id); },
        [this, path](Result<LoadTestRecord> record) {
            const Result<LoadTestResult> figures = figuresOf(record);
            QString problem;
            if (!figures) {
                problem = figures.error().message;
            } else {
                // The file is the operator's choice and small (a stored run is at most 1 MiB).
                const bool csv = QFileInfo(path).suffix().compare(QStringLiteral("csv"), Qt::CaseInsensitive) == 0;
                QSaveFile f(path);
                if (!f.open(QIODevice::WriteOnly)
                    || f.write(csv ? figures->toCsv() : QJsonDocument(figures->toJson()).toJson(QJsonDocument::Indented)) < 0
                    || !f.commit())
                    problem = tr("Cannot write %1: %2").arg(path, f.errorString());
            }
            m_problem->showProblem(problem);
            Q_EMIT exported(problem);
        });
    return true;
}

void LoadTestView::exportSelected()
{
    const QModelIndexList rows = m_historyView->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const auto *sorted = qobject_cast<const QSortFilterProxyModel *>(m_historyView->model());
    const int row = sorted->mapToSource(rows.first()).row();
    QString filter;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export run"), QStringLiteral("loadtest.json"),
                                                      tr("JSON (*.json);;CSV (*.csv)"), &filter);
    exportRow(row, path);
}

void LoadTestView::updateButtons()
{
    const bool busy = isRunning();
    m_start->setEnabled(!busy && m_endpoints.find(m_endpoint->currentEndpoint()));
    m_cancel->setEnabled(busy);
    for (QWidget *setting : std::initializer_list<QWidget *>{m_endpoint, m_mode, m_path, m_body, m_targets, m_duration})
        setting->setEnabled(!busy);
    if (!busy)
        modeChanged();
    else
        for (QWidget *setting : std::initializer_list<QWidget *>{m_rate, m_rampFrom, m_rampTo, m_concurrency, m_requests})
            setting->setEnabled(false);
    const qsizetype selected = m_historyView->selectionModel() ? m_historyView->selectionModel()->selectedRows().size() : 0;
    m_compareButton->setEnabled(selected == 2);
    m_exportButton->setEnabled(selected >= 1);
}

} // namespace ServeDeck
