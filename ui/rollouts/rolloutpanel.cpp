#include "rolloutpanel.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <QAction>
#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QValueAxis>
#include <QVBoxLayout>

#include "ui/common/errorlabel.h"
#include "ui/common/prompt.h"
#include "ui/common/chartpalette.h"
#include "ui/common/theme.h"
#include "ui/rollouts/analysisdecisionmodel.h"
#include "ui/rollouts/rollouteventmodel.h"
#include "ui/rollouts/rollouttext.h"

namespace ServeDeck {

namespace {

QString refOf(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

// A value axis from `low` to a little past the values, on round numbers.
void fitAxis(QValueAxis *axis, double low, double high)
{
    if (high <= low)
        high = low + 1;
    axis->setRange(low, high + (high - low) * 0.1);
    axis->applyNiceNumbers();
}

QTableView *makeTable(QAbstractItemModel *model, const QString &name, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->setWordWrap(false);
    return view;
}

} // namespace

// The endpoint's rollout and the endpoint's stable revision, read together.
struct RolloutPanel::Snapshot
{
    Result<RolloutInfo> rollout;
    QUuid currentRevision;
};

RolloutPanel::RolloutPanel(ControlClient &client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_phase(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_reason(new QLabel(this))
    , m_busyLabel(new QLabel(tr("Working…"), this))
    , m_error(new ErrorLabel(QStringLiteral("rolloutError"), this))
    , m_promote(new QPushButton(tr("Promote"), this))
    , m_pause(new QPushButton(tr("Pause"), this))
    , m_resume(new QPushButton(tr("Resume"), this))
    , m_abort(new QPushButton(tr("Abort"), this))
    , m_rollback(new QPushButton(tr("Rollback"), this))
    , m_retry(new QPushButton(tr("Retry"), this))
    , m_rollbackAction(new QAction(tr("Rollback"), this))
    , m_events(new RolloutEventModel(this))
    , m_decisions(new AnalysisDecisionModel(this))
    , m_eventsView(makeTable(m_events, QStringLiteral("rolloutTimeline"), this))
    , m_decisionsView(makeTable(m_decisions, QStringLiteral("rolloutDecisions"), this))
    , m_tabs(new QTabWidget(this))
    , m_chartsHost(new QWidget(this))
{
    m_phase->setObjectName(QStringLiteral("rolloutPhase"));
    QFont bold = m_phase->font();
    bold.setBold(true);
    m_phase->setFont(bold);
    m_summary->setObjectName(QStringLiteral("rolloutSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_reason->setObjectName(QStringLiteral("rolloutReason"));
    m_reason->setWordWrap(true);
    m_reason->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_busyLabel->setObjectName(QStringLiteral("busy"));
    m_busyLabel->hide();

    m_promote->setObjectName(QStringLiteral("promoteRollout"));
    m_pause->setObjectName(QStringLiteral("pauseRollout"));
    m_resume->setObjectName(QStringLiteral("resumeRollout"));
    m_abort->setObjectName(QStringLiteral("abortRollout"));
    m_rollback->setObjectName(QStringLiteral("rollbackRollout"));
    m_retry->setObjectName(QStringLiteral("retryRollout"));
    m_promote->setToolTip(tr("Make the new version the stable one"));
    m_pause->setToolTip(tr("Hold the rollout at its current step"));
    m_resume->setToolTip(tr("Continue from the current step"));
    m_abort->setToolTip(tr("Stop the rollout: all traffic back on the stable version"));
    // Ctrl+Shift+R, not Ctrl+Shift+Z: that is Redo on Linux desktops, and the traffic split beside
    // this panel has undo.
    m_rollbackAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    // Anywhere in the window that shows this panel; not while another tab hides it.
    m_rollbackAction->setShortcutContext(Qt::WindowShortcut);
    addAction(m_rollbackAction);
    connect(m_rollbackAction, &QAction::triggered, this, &RolloutPanel::rollBack);
    connect(m_rollback, &QPushButton::clicked, this, &RolloutPanel::rollBack);
    connect(m_promote, &QPushButton::clicked, this, [this] { act(RolloutAction::Promote); });
    connect(m_pause, &QPushButton::clicked, this, [this] { act(RolloutAction::Pause); });
    connect(m_resume, &QPushButton::clicked, this, [this] { act(RolloutAction::Resume); });
    connect(m_abort, &QPushButton::clicked, this, [this] { act(RolloutAction::Abort); });
    connect(m_retry, &QPushButton::clicked, this, &RolloutPanel::retry);

    auto *top = new QHBoxLayout;
    top->addWidget(m_phase);
    top->addWidget(m_summary, 1);
    top->addWidget(m_busyLabel);
    for (QPushButton *button : {m_promote, m_pause, m_resume, m_abort, m_rollback, m_retry})
        top->addWidget(button);

    QChartView *success = makeChart(tr("Success rate by step"), &m_successStep, &m_successValue);
    m_successStable = addLine(success->chart(), m_successStep, m_successValue, QStringLiteral("success-stable"), tr("Stable"));
    m_successCanary = addLine(success->chart(), m_successStep, m_successValue, QStringLiteral("success-canary"), tr("Canary"));
    m_successValue->setTitleText(tr("%"));
    QChartView *latency = makeChart(tr("p95 latency by step"), &m_latencyStep, &m_latencyValue);
    m_p95Stable = addLine(latency->chart(), m_latencyStep, m_latencyValue, QStringLiteral("p95-stable"), tr("Stable"));
    m_p95Canary = addLine(latency->chart(), m_latencyStep, m_latencyValue, QStringLiteral("p95-canary"), tr("Canary"));
    m_latencyValue->setTitleText(tr("ms"));
    auto *charts = m_chartsHost;
    auto *chartsLayout = new QHBoxLayout(charts);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->setSpacing(4);
    chartsLayout->addWidget(success);
    chartsLayout->addWidget(latency);

    // The tables in tabs, each as wide as the charts leave: side by side, neither showed its
    // last columns (the message, the verdict) at the window's usual size.
    m_tabs->setObjectName(QStringLiteral("rolloutTabs"));
    m_tabs->addTab(m_decisionsView, tr("Analysis"));
    m_tabs->addTab(m_eventsView, tr("Timeline"));
    auto *body = new QSplitter(Qt::Horizontal, this);
    body->setChildrenCollapsible(false);
    body->addWidget(m_tabs);
    body->addWidget(charts);
    body->setStretchFactor(0, 3);
    body->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_reason);
    layout->addWidget(m_error);
    layout->addWidget(body, 1);

    connect(&m_client, &ControlClient::rolloutChanged, this, [this](const QUuid &endpointId, const QUuid &) {
        if (endpointId == m_endpoint)
            refresh();
    });
    applyTheme();
    showRollout();
}

RolloutPanel::~RolloutPanel() = default;

QChartView *RolloutPanel::makeChart(const QString &title, QValueAxis **stepAxis, QValueAxis **valueAxis)
{
    // The style of the metrics charts beside it: small fonts, no margins, bold title.
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

    *stepAxis = new QValueAxis(chart);
    (*stepAxis)->setLabelFormat(QStringLiteral("%d"));
    (*stepAxis)->setTitleText(tr("Step"));
    (*stepAxis)->setTickType(QValueAxis::TicksDynamic);
    (*stepAxis)->setTickAnchor(1);
    (*stepAxis)->setTickInterval(1);
    (*stepAxis)->setRange(1, 2);
    chart->addAxis(*stepAxis, Qt::AlignBottom);
    *valueAxis = new QValueAxis(chart);
    (*valueAxis)->setLabelFormat(QStringLiteral("%g"));
    (*valueAxis)->setRange(0, 1);
    chart->addAxis(*valueAxis, Qt::AlignLeft);

    auto *view = new QChartView(chart, this);
    view->setRenderHint(QPainter::Antialiasing);
    // Small enough that the Details tab still fits a 650-pixel-high window beside the metrics charts.
    view->setMinimumSize(160, 90);
    m_charts << view;
    return view;
}

QLineSeries *RolloutPanel::addLine(QChart *chart, QValueAxis *stepAxis, QValueAxis *valueAxis, const QString &name,
                                   const QString &title)
{
    auto *line = new QLineSeries(chart);
    line->setObjectName(name);
    line->setName(title);
    line->setPointsVisible(true);
    chart->addSeries(line);
    line->attachAxis(stepAxis);
    line->attachAxis(valueAxis);
    return line;
}

QXYSeries *RolloutPanel::series(const QString &name) const
{
    for (QLineSeries *line : {m_successCanary, m_successStable, m_p95Canary, m_p95Stable}) {
        if (line->objectName() == name)
            return line;
    }
    return nullptr;
}

void RolloutPanel::setEndpoint(const QUuid &endpointId)
{
    if (endpointId == m_endpoint)
        return;
    m_endpoint = endpointId;
    m_info.reset();
    m_currentRevision = QUuid();
    m_error->showProblem({});
    showRollout();
    refresh();
}

void RolloutPanel::refresh()
{
    if (m_endpoint.isNull())
        return;
    // One question at a time: changes that come meanwhile are asked about once it is answered.
    if (m_refreshing) {
        m_refreshAgain = true;
        return;
    }
    m_refreshing = true;
    const QUuid endpointId = m_endpoint;
    m_client.call(
        this,
        [ref = refOf(endpointId)](ModelServingService &s) {
            Snapshot snapshot{s.rolloutInfo(ref, QStringLiteral("latest")), {}};
            if (auto info = s.endpointInfo(ref))
                snapshot.currentRevision = info->endpoint.currentRevisionId;
            return snapshot;
        },
        [this, endpointId](const Snapshot &snapshot) {
            m_refreshing = false;
            if (endpointId == m_endpoint)
                present(snapshot);
            if (std::exchange(m_refreshAgain, false) || endpointId != m_endpoint)
                refresh();
        });
}

void RolloutPanel::present(const Snapshot &snapshot)
{
    if (snapshot.rollout) {
        m_info = *snapshot.rollout;
    } else {
        m_info.reset();
        // Never having had a rollout is not a problem to show; anything else is.
        if (snapshot.rollout.error().type != ErrorType::NotFound)
            m_error->showProblem(snapshot.rollout.error().typeName() + QStringLiteral(": ")
                                 + snapshot.rollout.error().message);
    }
    m_currentRevision = snapshot.currentRevision;
    showRollout();
    Q_EMIT loaded();
}

void RolloutPanel::showRollout()
{
    if (!m_info) {
        m_phase->setText(tr("No rollout"));
        m_phase->setStyleSheet(Theme::textStyle(Theme::Role::Muted));
        m_summary->setText(m_endpoint.isNull() ? tr("Select an endpoint to see its rollouts.")
                                               : tr("Modify the endpoint with a new model version to start one."));
        m_reason->hide();
        m_events->setEvents({}, {});
        m_decisions->setDecisions({}, {});
        m_shownRollout = QUuid();
    } else {
        const Rollout &o = m_info->rollout;
        m_phase->setText(RolloutText::phase(o.phase));
        m_phase->setStyleSheet(Theme::textStyle(RolloutText::phaseRole(o.phase)));
        QStringList parts{RolloutText::strategy(o.strategy),
                          tr("%1 → %2").arg(m_info->fromVersion, m_info->toVersion)};
        if (o.strategy == RolloutStrategy::Progressive && !o.steps.isEmpty())
            parts << tr("step %1 of %2 at %3 %")
                         .arg(RolloutText::stepNumber(std::min<int>(o.stepIndex, int(o.steps.size()) - 1)))
                         .arg(o.steps.size())
                         .arg(o.weight);
        else if (o.strategy == RolloutStrategy::Canary || o.phase == RolloutPhase::Promoting)
            parts << tr("new version at %1 %").arg(o.weight);
        if (o.failures > 0)
            parts << tr("failed replicas: %1").arg(o.failures);
        if (o.failedChecks > 0)
            parts << tr("failed checks: %1").arg(o.failedChecks);
        m_summary->setText(parts.join(QStringLiteral(" · ")));
        m_reason->setText(o.reason);
        m_reason->setVisible(!o.reason.isEmpty());
        const bool another = m_shownRollout != o.id;
        m_shownRollout = o.id;
        const int before = m_events->rowCount();
        m_events->setEvents(o.id, m_info->events);
        if (m_events->rowCount() != before)
            m_eventsView->scrollToBottom();
        m_decisions->setDecisions(o.id, m_info->decisions);
        // A progressive rollout is read by its analysis, the others by what happened.
        if (another)
            m_tabs->setCurrentWidget(o.strategy == RolloutStrategy::Progressive ? m_decisionsView : m_eventsView);
    }
    m_tabs->setTabText(0, tr("Analysis (%1)").arg(m_decisions->rowCount()));
    m_tabs->setTabText(1, tr("Timeline (%1)").arg(m_events->rowCount()));
    redrawCharts();
    updateButtons();
}

void RolloutPanel::updateButtons()
{
    const std::optional<Rollout> o = m_info ? std::optional<Rollout>(m_info->rollout) : std::nullopt;
    const bool idle = !m_busy && o.has_value();
    const RolloutPhase phase = o ? o->phase : RolloutPhase::Succeeded;
    m_promote->setEnabled(idle && o->strategy != RolloutStrategy::Rolling
                          && (phase == RolloutPhase::Progressing || phase == RolloutPhase::Paused));
    m_pause->setEnabled(idle && phase == RolloutPhase::Progressing);
    m_resume->setEnabled(idle && phase == RolloutPhase::Paused);
    m_abort->setEnabled(idle && o->inProgress());
    // A finished rollout rolls back while its version is still the stable one.
    const bool canRollBack = idle && (o->inProgress() || (phase == RolloutPhase::Succeeded && m_currentRevision == o->toRevisionId));
    m_rollback->setEnabled(canRollBack);
    m_rollbackAction->setEnabled(canRollBack);
    // Once the cause is fixed (a model folder, a resource limit), the same rollout again.
    const bool canRetry = idle && (phase == RolloutPhase::RolledBack || phase == RolloutPhase::Aborted)
        && m_currentRevision == o->fromRevisionId;
    m_retry->setEnabled(canRetry);
    m_retry->setToolTip(o ? tr("Start the rollout to %1 again, with the same strategy and settings").arg(m_info->toVersion)
                          : QString());
    const QString shortcut = m_rollbackAction->shortcut().toString(QKeySequence::NativeText);
    m_rollback->setToolTip(o ? tr("All traffic back on %1 (%2)").arg(m_info->fromVersion, shortcut)
                             : tr("Roll back the newest rollout (%1)").arg(shortcut));
}

void RolloutPanel::redrawCharts()
{
    // The newest decision of each check for each step: a held step is analysed again.
    std::map<int, const AnalysisDecision *> success;
    std::map<int, const AnalysisDecision *> p95;
    for (const AnalysisDecision &d : m_decisions->decisions()) {
        if (d.check == QLatin1String("success_rate"))
            success[d.step] = &d;
        else if (d.check == QLatin1String("p95_ms"))
            p95[d.step] = &d;
    }
    double lastStep = 2;
    const auto draw = [&lastStep](const std::map<int, const AnalysisDecision *> &byStep, QLineSeries *canary,
                                  QLineSeries *stable, auto value, double &low, double &high) {
        QList<QPointF> c, s;
        for (const auto &[step, d] : byStep) {
            const double x = step;  // decisions count steps from 1
            lastStep = std::max(lastStep, x);
            if (d->canaryValue) {
                c << QPointF(x, value(*d->canaryValue));
                low = std::min(low, c.last().y());
                high = std::max(high, c.last().y());
            }
            if (d->stableValue) {
                s << QPointF(x, value(*d->stableValue));
                low = std::min(low, s.last().y());
                high = std::max(high, s.last().y());
            }
        }
        canary->replace(c);
        stable->replace(s);
    };
    // The analysis measures success_rate by its errors; the chart shows what succeeded.
    double successLow = 100, successHigh = 0;
    draw(success, m_successCanary, m_successStable, [](double errors) { return (1.0 - errors) * 100.0; }, successLow,
         successHigh);
    double latencyLow = 0, latencyHigh = 1;
    draw(p95, m_p95Canary, m_p95Stable, [](double ms) { return ms; }, latencyLow, latencyHigh);
    if (successHigh < successLow) {
        m_successValue->setRange(0, 100);
    } else {
        // Success rates sit near 100 %: from a little under the lowest, so a dip shows.
        m_successValue->setRange(std::max(0.0, std::floor(successLow - 1.0)), 100);
    }
    fitAxis(m_latencyValue, 0, latencyHigh);
    for (QValueAxis *axis : {m_successStep, m_latencyStep})
        axis->setRange(1, lastStep);
    // Only a progressive rollout is analysed: without decisions the charts would be empty axes.
    m_chartsHost->setVisible(!m_decisions->decisions().isEmpty());
}

void RolloutPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyTheme();
    QWidget::changeEvent(event);
}

void RolloutPanel::applyTheme()
{
    for (QChartView *view : std::as_const(m_charts))
        applyChartPalette(view->chart(), palette());
    // Stable and canary in the traffic split's colours for the older and the newer revision.
    const QColor stable = Theme::color(Theme::Role::Series1);
    const QColor canary = Theme::color(Theme::Role::Series3);
    for (QLineSeries *line : {m_successStable, m_p95Stable})
        line->setPen(QPen(stable, 2));
    for (QLineSeries *line : {m_successCanary, m_p95Canary})
        line->setPen(QPen(canary, 2));
    if (m_info)
        m_phase->setStyleSheet(Theme::textStyle(RolloutText::phaseRole(m_info->rollout.phase)));
}

bool RolloutPanel::isBusy() const
{
    return m_busy;
}

void RolloutPanel::setBusy(bool busy)
{
    m_busy = busy;
    m_busyLabel->setVisible(busy);
    updateButtons();
}

bool RolloutPanel::act(RolloutAction action)
{
    const QPushButton *button = nullptr;
    switch (action) {
    case RolloutAction::Promote:
        button = m_promote;
        break;
    case RolloutAction::Pause:
        button = m_pause;
        break;
    case RolloutAction::Resume:
        button = m_resume;
        break;
    case RolloutAction::Abort:
        button = m_abort;
        break;
    case RolloutAction::Rollback:
        button = m_rollback;
        break;
    }
    if (!m_info || !button->isEnabled())
        return false;
    const QUuid endpointId = m_endpoint;
    const QString rolloutId = refOf(m_info->rollout.id);
    m_error->showProblem({});
    setBusy(true);
    m_client.call(
        this,
        [ref = refOf(endpointId), rolloutId, action](ModelServingService &s) {
            return s.actOnRollout(ref, rolloutId, action);
        },
        [this, endpointId](const Result<RolloutInfo> &acted) {
            setBusy(false);
            if (endpointId != m_endpoint)
                return;
            if (!acted)
                m_error->showProblem(acted.error().typeName() + QStringLiteral(": ") + acted.error().message);
            // rolloutChanged follows a change; a refusal changed nothing, yet the phase may have
            // moved on meanwhile: ask again either way.
            refresh();
            Q_EMIT answered(acted.ok());
        });
    return true;
}

bool RolloutPanel::retry()
{
    if (!m_info || !m_retry->isEnabled())
        return false;
    const Rollout &o = m_info->rollout;
    RolloutRequest request;
    request.revision = refOf(o.toRevisionId);
    request.strategy = o.strategy;
    request.steps = o.steps;
    // A canary's share at its start: its first event says it (an abort set it to 0 since).
    if (o.strategy == RolloutStrategy::Canary && !m_info->events.isEmpty())
        request.weight = m_info->events.constFirst().weight;
    request.intervalSeconds = o.intervalSeconds;
    request.analysis = o.analysis;
    request.maxSurgePercent = o.maxSurgePercent;
    request.maxUnavailable = o.maxUnavailable;
    request.rollbackWindowSeconds = o.rollbackWindowSeconds;
    request.progressDeadlineSeconds = o.progressDeadlineSeconds;
    const QUuid endpointId = m_endpoint;
    m_error->showProblem({});
    setBusy(true);
    m_client.call(
        this,
        [ref = refOf(endpointId), request](ModelServingService &s) { return s.startRollout(ref, request); },
        [this, endpointId](const Result<RolloutInfo> &started) {
            setBusy(false);
            if (endpointId != m_endpoint)
                return;
            if (!started)
                m_error->showProblem(started.error().typeName() + QStringLiteral(": ") + started.error().message);
            refresh();
            Q_EMIT answered(started.ok());
        });
    return true;
}

void RolloutPanel::rollBack()
{
    if (!m_info || !m_rollback->isEnabled())
        return;
    const QString text = m_info->rollout.inProgress()
        ? tr("Stop the rollout of %1 and send all traffic back to %2?").arg(m_info->toVersion, m_info->fromVersion)
        : tr("Send all traffic on %1 back to %2? Where the old replicas are gone, they are brought back first.")
              .arg(m_info->toVersion, m_info->fromVersion);
    if (!Prompt::confirm(this, tr("Rollback"), text, tr("Rollback")))
        return;
    act(RolloutAction::Rollback);
}

} // namespace ServeDeck
