#include "trafficspliteditor.h"

#include <algorithm>
#include <numeric>
#include <optional>

#include <QAction>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QUndoGroup>
#include <QUndoStack>
#include <QVBoxLayout>

#include "ui/endpoints/endpointlistmodel.h"
#include "ui/common/theme.h"

namespace ServeDeck {

namespace {

QString errorStyle() { return Theme::textStyle(Theme::Role::Error); }
QString notReadyStyle() { return Theme::textStyle(Theme::Role::Warning) + QStringLiteral(" font-weight: bold;"); }

QString refOf(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

// Revisions are told apart by the same colours everywhere in the editor.
const QList<Theme::Role> kRevisionColours{Theme::Role::Series1, Theme::Role::Series3, Theme::Role::Series5,
                                          Theme::Role::Series4, Theme::Role::Series6, Theme::Role::Series7};

} // namespace

// The split being shown or previewed as one bar, a segment per revision in proportion to its
// share; a revision that is not ready is hatched, as it would take none of it.
class SplitBar final : public QWidget
{
public:
    using QWidget::QWidget;

    void setSplit(const QList<TrafficSplit::RevisionShare> &revisions, const QList<int> &percent)
    {
        m_revisions = revisions;
        m_percent = percent;
        update();
    }

    QSize sizeHint() const override { return {200, fontMetrics().height() + 8}; }
    QSize minimumSizeHint() const override { return {60, fontMetrics().height() + 8}; }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        const QRectF area = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
        painter.setPen(palette().color(QPalette::Mid));
        painter.setBrush(palette().color(QPalette::Base));
        painter.drawRoundedRect(area, 3, 3);
        double x = area.left();
        for (qsizetype i = 0; i < m_revisions.size() && i < m_percent.size(); ++i) {
            const double width = area.width() * m_percent.at(i) / 100.0;
            if (width <= 0)
                continue;
            const QRectF segment(x, area.top(), width, area.height());
            const QColor colour = Theme::color(kRevisionColours.at(i % kRevisionColours.size()));
            painter.setPen(Qt::NoPen);
            painter.setBrush(m_revisions.at(i).isReady() ? QBrush(colour) : QBrush(colour, Qt::BDiagPattern));
            painter.drawRect(segment);
            const QString text = TrafficSplit::describe({m_revisions.at(i)}, {m_percent.at(i)});
            if (fontMetrics().horizontalAdvance(text) + 8 < width) {
                painter.setPen(m_revisions.at(i).isReady() ? QColor(Qt::white) : palette().color(QPalette::Text));
                painter.drawText(segment, Qt::AlignCenter, text);
            }
            x += width;
        }
    }

private:
    QList<TrafficSplit::RevisionShare> m_revisions;
    QList<int> m_percent;
};

// One applied split: undo puts the routes' earlier weights back, redo the split again. The split
// itself was applied before the command was pushed, so its first redo does nothing.
class TrafficSplitCommand final : public QUndoCommand
{
public:
    TrafficSplitCommand(TrafficSplitEditor *editor, const QUuid &endpointId, QList<RouteWeight> before,
                        QList<RouteWeight> after, const QString &text)
        : QUndoCommand(text)
        , m_editor(editor)
        , m_endpoint(endpointId)
        , m_before(std::move(before))
        , m_after(std::move(after))
    {
    }

    void undo() override
    {
        m_editor->put(m_endpoint, m_before, TrafficSplitEditor::tr("Undo failed"));
    }

    void redo() override
    {
        if (m_applied) {
            m_applied = false;
            return;
        }
        m_editor->put(m_endpoint, m_after, TrafficSplitEditor::tr("Redo failed"));
    }

private:
    TrafficSplitEditor *m_editor;
    QUuid m_endpoint;
    QList<RouteWeight> m_before;
    QList<RouteWeight> m_after;
    bool m_applied = true;
};

TrafficSplitEditor::TrafficSplitEditor(ControlClient &client, const EndpointListModel &endpoints, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_endpoints(endpoints)
    , m_rowsHost(new QWidget(this))
    , m_rows(new QGridLayout(m_rowsHost))
    , m_sliderRow(new QWidget(this))
    , m_sliderFrom(new QLabel(m_sliderRow))
    , m_slider(new QSlider(Qt::Horizontal, m_sliderRow))
    , m_sliderTo(new QLabel(m_sliderRow))
    , m_preview(new QLabel(this))
    , m_bar(new SplitBar(this))
    , m_boxesHost(new QWidget(this))
    , m_boxes(new QGridLayout(m_boxesHost))
    , m_apply(new QPushButton(tr("Apply"), m_boxesHost))
    , m_hint(new QLabel(this))
    , m_undoButton(new QPushButton(tr("Undo"), this))
    , m_blueGreen(new QPushButton(tr("Blue-green switch"), this))
    , m_rollBack(new QPushButton(tr("Roll back"), this))
    , m_error(new QLabel(this))
    , m_keyboardApply(new QTimer(this))
    , m_undo(new QUndoGroup(this))
{
    m_rows->setContentsMargins(0, 0, 0, 0);
    m_rows->setColumnStretch(2, 1);

    m_slider->setObjectName(QStringLiteral("canarySlider"));
    m_slider->setRange(0, 100);
    m_slider->setSingleStep(1);
    m_slider->setPageStep(5);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(10);
    auto *sliderLayout = new QHBoxLayout(m_sliderRow);
    sliderLayout->setContentsMargins(0, 0, 0, 0);
    sliderLayout->addWidget(m_sliderFrom);
    sliderLayout->addWidget(m_slider, 1);
    sliderLayout->addWidget(m_sliderTo);

    m_preview->setObjectName(QStringLiteral("splitPreview"));
    QFont bold = m_preview->font();
    bold.setBold(true);
    m_preview->setFont(bold);
    m_preview->setAlignment(Qt::AlignCenter);

    m_boxes->setContentsMargins(0, 0, 0, 0);
    m_apply->setObjectName(QStringLiteral("applySplit"));
    m_hint->setWordWrap(true);
    m_hint->setObjectName(QStringLiteral("splitHint"));

    m_undoButton->setObjectName(QStringLiteral("undoSplit"));
    m_blueGreen->setObjectName(QStringLiteral("blueGreen"));
    m_rollBack->setObjectName(QStringLiteral("rollBack"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_undoButton);
    buttons->addStretch(1);
    buttons->addWidget(m_blueGreen);
    buttons->addWidget(m_rollBack);

    m_error->setObjectName(QStringLiteral("splitError"));
    m_error->setStyleSheet(errorStyle());
    m_error->setWordWrap(true);
    m_error->hide();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_rowsHost);
    layout->addWidget(m_sliderRow);
    layout->addWidget(m_bar);
    layout->addWidget(m_preview);
    layout->addWidget(m_boxesHost);
    layout->addWidget(m_hint);
    layout->addLayout(buttons);
    layout->addWidget(m_error);
    layout->addStretch(1);

    m_keyboardApply->setSingleShot(true);
    m_keyboardApply->setInterval(kKeyboardApplyDelayMs);
    connect(m_keyboardApply, &QTimer::timeout, this, &TrafficSplitEditor::applySlider);
    connect(m_slider, &QSlider::valueChanged, this, &TrafficSplitEditor::sliderMoved);
    connect(m_slider, &QSlider::sliderReleased, this, [this] {
        m_keyboardApply->stop();
        applySlider();
    });
    connect(m_apply, &QPushButton::clicked, this, &TrafficSplitEditor::applyBoxes);
    connect(m_blueGreen, &QPushButton::clicked, this, &TrafficSplitEditor::blueGreenSwitch);
    connect(m_rollBack, &QPushButton::clicked, this, &TrafficSplitEditor::rollBack);
    connect(m_undoButton, &QPushButton::clicked, m_undo, &QUndoGroup::undo);
    connect(m_undo, &QUndoGroup::canUndoChanged, this, [this](bool can) {
        m_undoButton->setEnabled(can);
        updateControls();
    });
    connect(m_undo, &QUndoGroup::undoTextChanged, this, [this](const QString &text) {
        m_undoButton->setToolTip(text.isEmpty() ? QString() : tr("Undo: %1").arg(text));
    });
    auto *undoShortcut = new QAction(this);
    undoShortcut->setShortcut(QKeySequence::Undo);
    undoShortcut->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(undoShortcut, &QAction::triggered, m_undo, &QUndoGroup::undo);
    addAction(undoShortcut);
    m_undoButton->setEnabled(false);

    // Full-row changes are the endpoint's routes or settings; the load columns change every
    // sample and say nothing about the split.
    connect(&m_endpoints, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &from, const QModelIndex &to) {
        if (from.column() > EndpointListModel::Healthy || m_endpoint.isNull())
            return;
        const int row = [this] {
            for (int r = 0; r < m_endpoints.rowCount(); ++r) {
                if (m_endpoints.info(r).endpoint.id == m_endpoint)
                    return r;
            }
            return -1;
        }();
        if (row >= from.row() && row <= to.row())
            refresh();
    });
    connect(&m_endpoints, &QAbstractItemModel::rowsRemoved, this, &TrafficSplitEditor::refresh);
    connect(&m_endpoints, &QAbstractItemModel::modelReset, this, &TrafficSplitEditor::refresh);
    refresh();
}

TrafficSplitEditor::~TrafficSplitEditor() = default;

QUndoStack *TrafficSplitEditor::undoStack() const
{
    return m_stacks.value(m_endpoint);
}

void TrafficSplitEditor::setEndpoint(const QUuid &endpointId)
{
    if (endpointId == m_endpoint)
        return;
    m_endpoint = endpointId;
    m_keyboardApply->stop();
    m_error->hide();
    m_shownRevisionIds.clear();
    QUndoStack *stack = nullptr;
    if (!endpointId.isNull()) {
        stack = m_stacks.value(endpointId);
        if (!stack) {
            stack = new QUndoStack(m_undo);
            stack->setUndoLimit(kUndoLimit);
            m_stacks.insert(endpointId, stack);
        }
    }
    m_undo->setActiveStack(stack);
    refresh();
}

void TrafficSplitEditor::refresh()
{
    const EndpointInfo *info = m_endpoint.isNull() ? nullptr : m_endpoints.find(m_endpoint);
    // While the handle is held the operator is choosing; the release applies and refreshes.
    if (m_slider->isSliderDown())
        return;
    // Until the list shows the weights the core last answered with, the editor shows those, so
    // the slider does not snap back to the old split for a round trip.
    std::optional<EndpointInfo> patched;
    if (info && m_answered.contains(m_endpoint)) {
        const QHash<QUuid, int> &answered = m_answered[m_endpoint];
        const QList<RouteWeight> shown = TrafficSplit::currentWeights(*info);
        const bool caughtUp = std::all_of(shown.begin(), shown.end(), [&](const RouteWeight &w) {
            return answered.value(w.routeId, w.weight) == w.weight;
        });
        if (caughtUp) {
            m_answered.remove(m_endpoint);
        } else {
            patched = *info;
            for (Route &route : patched->routes)
                route.weight = answered.value(route.id, route.weight);
            info = &*patched;
        }
    }
    if (info && m_canaryAnswered.contains(m_endpoint)
        && (!info->rollout || !info->rollout->inProgress() || info->rollout->weight == m_canaryAnswered.value(m_endpoint)))
        m_canaryAnswered.remove(m_endpoint);
    m_revisions = info ? TrafficSplit::revisions(*info) : QList<TrafficSplit::RevisionShare>();
    QList<QUuid> ids;
    for (const auto &r : std::as_const(m_revisions))
        ids << r.revisionId;
    if (ids != m_shownRevisionIds) {
        m_shownRevisionIds = ids;
        // New weight boxes, one per revision.
        qDeleteAll(m_weightBoxes);
        m_weightBoxes.clear();
        while (QLayoutItem *item = m_boxes->takeAt(0)) {
            if (item->widget() && item->widget() != m_apply)
                delete item->widget();
            delete item;
        }
        if (m_revisions.size() >= 3) {
            for (qsizetype i = 0; i < m_revisions.size(); ++i) {
                auto *label = new QLabel(TrafficSplit::label(m_revisions, i), m_boxesHost);
                auto *box = new QSpinBox(m_boxesHost);
                box->setObjectName(QStringLiteral("weight-%1").arg(m_revisions.at(i).number));
                box->setRange(0, 100);
                box->setSuffix(tr(" %"));
                connect(box, &QSpinBox::valueChanged, this, [this] {
                    m_boxesEdited = true;
                    updateControls();
                });
                m_boxes->addWidget(label, int(i), 0);
                m_boxes->addWidget(box, int(i), 1);
                label->setBuddy(box);
                m_weightBoxes << box;
            }
            m_boxes->addWidget(m_apply, int(m_revisions.size()), 1);
        }
        m_boxesEdited = false;
    }
    rebuildRevisionRows();
    updateControls();
}

void TrafficSplitEditor::rebuildRevisionRows()
{
    while (QLayoutItem *item = m_rows->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const QList<int> percent = currentPercentages();
    for (qsizetype i = 0; i < m_revisions.size(); ++i) {
        const TrafficSplit::RevisionShare &r = m_revisions.at(i);
        auto *swatch = new QLabel(m_rowsHost);
        swatch->setFixedSize(10, 10);
        swatch->setStyleSheet(QStringLiteral("background: %1; border-radius: 2px;")
                                  .arg(Theme::color(kRevisionColours.at(i % kRevisionColours.size())).name()));
        auto *name = new QLabel(tr("%1 (revision %2)").arg(TrafficSplit::label(m_revisions, i)).arg(r.number), m_rowsHost);
        QFont bold = name->font();
        bold.setBold(true);
        name->setFont(bold);
        auto *state = new QLabel(m_rowsHost);
        if (r.isReady()) {
            state->setText(tr("%1 of %2 routes healthy").arg(r.healthyRoutes).arg(r.routes.size()));
        } else {
            state->setText(tr("not ready"));
            state->setStyleSheet(notReadyStyle());
            state->setToolTip(tr("None of its routes is HEALTHY yet, so it takes no traffic whatever its weight."));
        }
        state->setObjectName(QStringLiteral("state-%1").arg(r.number));
        auto *share = new QLabel(tr("%1 %").arg(percent.value(i)), m_rowsHost);
        share->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_rows->addWidget(swatch, int(i), 0);
        m_rows->addWidget(name, int(i), 1);
        m_rows->addWidget(state, int(i), 2);
        m_rows->addWidget(share, int(i), 3);
    }
}

QList<int> TrafficSplitEditor::currentPercentages() const
{
    const qsizetype canary = canaryIndex();
    if (canary < 0)
        return TrafficSplit::percentages(m_revisions);
    // The rollout's share is what the data plane gives the canary, whatever its routes' weights.
    const int share = m_canaryAnswered.value(m_endpoint, manualCanary()->weight);
    return canary == 1 ? QList<int>{100 - share, share} : QList<int>{share, 100 - share};
}

std::optional<Rollout> TrafficSplitEditor::manualCanary() const
{
    const EndpointInfo *info = m_endpoint.isNull() ? nullptr : m_endpoints.find(m_endpoint);
    if (!info || !info->rollout)
        return std::nullopt;
    const Rollout &o = *info->rollout;
    if (o.strategy != RolloutStrategy::Canary || (o.phase != RolloutPhase::Progressing && o.phase != RolloutPhase::Paused))
        return std::nullopt;
    return o;
}

qsizetype TrafficSplitEditor::canaryIndex() const
{
    const std::optional<Rollout> canary = manualCanary();
    if (!canary || m_revisions.size() != 2)
        return -1;
    for (qsizetype i = 0; i < m_revisions.size(); ++i) {
        if (m_revisions.at(i).revisionId == canary->toRevisionId)
            return i;
    }
    return -1;
}

void TrafficSplitEditor::updateControls()
{
    const qsizetype n = m_revisions.size();
    const QList<int> percent = currentPercentages();

    m_sliderRow->setVisible(n == 2);
    if (n == 2) {
        m_sliderFrom->setText(TrafficSplit::label(m_revisions, 0));
        m_sliderTo->setText(TrafficSplit::label(m_revisions, 1));
        if (!m_keyboardApply->isActive()) {
            const QSignalBlocker quiet(m_slider);
            m_slider->setValue(percent.value(1));
        }
        const int v = m_slider->value();
        m_preview->setText(TrafficSplit::describe(m_revisions, {100 - v, v}));
        m_bar->setSplit(m_revisions, {100 - v, v});
    }

    m_boxesHost->setVisible(n >= 3);
    if (n >= 3) {
        if (!m_boxesEdited) {
            for (qsizetype i = 0; i < m_weightBoxes.size(); ++i) {
                const QSignalBlocker quiet(m_weightBoxes.at(i));
                m_weightBoxes.at(i)->setValue(percent.value(i));
            }
        }
        QList<TrafficSplit::RevisionShare> wanted = m_revisions;
        for (qsizetype i = 0; i < wanted.size() && i < m_weightBoxes.size(); ++i)
            wanted[i].weight = m_weightBoxes.at(i)->value();
        m_preview->setText(TrafficSplit::describe(m_revisions, TrafficSplit::percentages(wanted)));
        m_bar->setSplit(m_revisions, TrafficSplit::percentages(wanted));
        m_apply->setEnabled(m_boxesEdited);
    }
    m_preview->setVisible(n >= 2);
    m_bar->setVisible(n >= 2);

    const bool canaryMode = canaryIndex() >= 0;
    m_hint->setVisible(n < 2 || canaryMode);
    if (canaryMode)
        m_hint->setText(tr("Canary rollout: the slider sets the new version's share."));
    else if (m_endpoint.isNull())
        m_hint->setText(tr("Select an endpoint to see how its traffic is split."));
    else if (n == 0)
        m_hint->setText(tr("No routes yet: the endpoint takes no traffic."));
    else if (n == 1)
        m_hint->setText(tr("All traffic goes to %1. Modify the endpoint with a new model version and the canary "
                           "strategy to split traffic between two revisions.")
                            .arg(TrafficSplit::label(m_revisions, 0)));

    // Blue-green: everything to the other revision of two, or to the newest of more.
    const qsizetype green = n == 2 ? (percent.value(1) <= percent.value(0) ? 1 : 0) : n - 1;
    const bool canSwitch = n >= 2 && m_revisions.at(green).isReady() && percent.value(green) != 100;
    m_blueGreen->setEnabled(canSwitch);
    m_blueGreen->setVisible(n >= 2);
    m_blueGreen->setToolTip(n < 2 ? QString()
                            : !m_revisions.at(green).isReady()
                            ? tr("%1 is not ready: none of its routes is HEALTHY.").arg(TrafficSplit::label(m_revisions, green))
                            : tr("All traffic to %1 at once; the other routes keep running for a roll back.")
                                  .arg(TrafficSplit::label(m_revisions, green)));
    // Roll back: everything to the revision before the newest.
    const qsizetype previous = n - 2;
    const bool canRollBack = n >= 2 && m_revisions.at(previous).isReady() && percent.value(previous) != 100;
    m_rollBack->setEnabled(canRollBack);
    m_rollBack->setVisible(n >= 2);
    // With one revision there is nothing to split; undo stays while there is something to undo.
    m_undoButton->setVisible(n >= 2 || m_undo->canUndo());
    m_rollBack->setToolTip(n < 2 ? QString()
                           : !m_revisions.at(previous).isReady()
                           ? tr("%1 is not ready: none of its routes is HEALTHY.").arg(TrafficSplit::label(m_revisions, previous))
                           : tr("All traffic back to %1.").arg(TrafficSplit::label(m_revisions, previous)));
    m_slider->setEnabled(n == 2);
    // The rollout owns the split while it runs: route weights set by hand would fight it.
    if (canaryMode) {
        const QString owned = tr("The canary rollout sets this split: promote, abort or roll it back in the rollout panel.");
        for (QPushButton *button : {m_blueGreen, m_rollBack}) {
            button->setEnabled(false);
            button->setToolTip(owned);
        }
    }
}

void TrafficSplitEditor::sliderMoved(int value)
{
    if (m_revisions.size() != 2)
        return;
    m_preview->setText(TrafficSplit::describe(m_revisions, {100 - value, value}));
    m_bar->setSplit(m_revisions, {100 - value, value});
    // Dragging previews only; keys and the wheel apply once they pause.
    if (!m_slider->isSliderDown())
        m_keyboardApply->start();
}

void TrafficSplitEditor::applySlider()
{
    if (m_revisions.size() != 2)
        return;
    const int v = m_slider->value();
    if (const qsizetype canary = canaryIndex(); canary >= 0) {
        sendCanaryWeight(*manualCanary(), canary == 1 ? v : 100 - v);
        return;
    }
    applyWeights({100 - v, v});
}

void TrafficSplitEditor::sendCanaryWeight(const Rollout &rollout, int weight)
{
    if (m_canaryAnswered.value(m_endpoint, rollout.weight) == weight) {
        m_error->hide();
        return;
    }
    const QUuid endpointId = m_endpoint;
    m_client.call(
        this,
        [ref = refOf(endpointId), rolloutId = refOf(rollout.id), weight](ModelServingService &s) {
            return s.setRolloutWeight(ref, rolloutId, weight);
        },
        [this, endpointId](const Result<RolloutInfo> &set) {
            Q_EMIT answered(set.ok());
            if (!set) {
                showError(set.error().typeName() + QStringLiteral(": ") + set.error().message);
                m_canaryAnswered.remove(endpointId);
            } else {
                m_error->hide();
                m_canaryAnswered.insert(endpointId, set->rollout.weight);
            }
            if (endpointId == m_endpoint)
                refresh();
        });
}

void TrafficSplitEditor::applyBoxes()
{
    QList<int> weights;
    for (QSpinBox *box : std::as_const(m_weightBoxes))
        weights << box->value();
    if (applyWeights(weights))
        m_boxesEdited = false;
    updateControls();
}

bool TrafficSplitEditor::applyWeights(const QList<int> &weights)
{
    if (weights.size() != m_revisions.size() || m_revisions.isEmpty()) {
        showError(tr("The endpoint's revisions changed; look again and retry."));
        refresh();
        return false;
    }
    if (std::accumulate(weights.begin(), weights.end(), 0) <= 0) {
        showError(tr("At least one revision needs a weight above 0, or nothing would serve."));
        return false;
    }
    QList<TrafficSplit::RevisionShare> wanted = m_revisions;
    for (qsizetype i = 0; i < wanted.size(); ++i)
        wanted[i].weight = weights.at(i);
    const QString what = TrafficSplit::describe(m_revisions, TrafficSplit::percentages(wanted));
    return send(m_endpoint, TrafficSplit::routeWeights(m_revisions, weights), what);
}

void TrafficSplitEditor::blueGreenSwitch()
{
    const qsizetype n = m_revisions.size();
    if (n < 2)
        return;
    const QList<int> percent = currentPercentages();
    const qsizetype green = n == 2 ? (percent.value(1) <= percent.value(0) ? 1 : 0) : n - 1;
    QList<int> weights(n, 0);
    weights[green] = 100;
    applyWeights(weights);
}

void TrafficSplitEditor::rollBack()
{
    const qsizetype n = m_revisions.size();
    if (n < 2)
        return;
    QList<int> weights(n, 0);
    weights[n - 2] = 100;
    applyWeights(weights);
}

bool TrafficSplitEditor::send(const QUuid &endpointId, const QList<RouteWeight> &weights, const QString &what)
{
    const EndpointInfo *info = m_endpoints.find(endpointId);
    if (!info) {
        showError(tr("The endpoint is gone."));
        return false;
    }
    QHash<QUuid, int> now;
    for (const RouteWeight &w : TrafficSplit::currentWeights(*info))
        now.insert(w.routeId, w.weight);
    // What the core last answered counts over a list that has not caught up with it yet.
    for (auto it = m_answered.value(endpointId).cbegin(); it != m_answered.value(endpointId).cend(); ++it) {
        if (now.contains(it.key()))
            now.insert(it.key(), it.value());
    }
    QList<RouteWeight> before;
    bool changes = false;
    for (const RouteWeight &w : weights) {
        before.append({w.routeId, now.value(w.routeId)});
        changes = changes || now.value(w.routeId, -1) != w.weight;
    }
    if (!changes) {
        m_error->hide();
        refresh();
        return true;
    }
    m_client.call(
        this, [ref = refOf(endpointId), weights](ModelServingService &s) { return s.updateRoutes(ref, weights); },
        [this, endpointId, before, weights, what](Result<QList<Route>> updated) {
            Q_EMIT answered(updated.ok());
            if (!updated) {
                showError(updated.error().typeName() + QStringLiteral(": ") + updated.error().message);
                refresh();
                return;
            }
            m_error->hide();
            remember(endpointId, *updated);
            if (QUndoStack *stack = m_stacks.value(endpointId))
                stack->push(new TrafficSplitCommand(this, endpointId, before, weights, what));
            refresh();
        });
    return true;
}

bool TrafficSplitEditor::put(const QUuid &endpointId, QList<RouteWeight> weights, const QString &failurePrefix)
{
    // Routes that went away or stopped since cannot take a weight; the rest still can.
    if (const EndpointInfo *info = m_endpoints.find(endpointId)) {
        QSet<QUuid> active;
        for (const RouteWeight &w : TrafficSplit::currentWeights(*info))
            active.insert(w.routeId);
        weights.removeIf([&](const RouteWeight &w) { return !active.contains(w.routeId); });
    }
    const auto answer = [this, endpointId, failurePrefix](const Result<QList<Route>> &updated) {
        Q_EMIT answered(updated.ok());
        if (!updated) {
            showError(failurePrefix + QStringLiteral(": ") + updated.error().typeName() + QStringLiteral(": ")
                      + updated.error().message);
            // The stack moved when undo or redo was asked, the traffic did not: a history that
            // no longer matches the routes would undo the wrong step next, so it goes.
            // Queued: this answer may come while the stack is still inside undo() or redo().
            if (QUndoStack *stack = m_stacks.value(endpointId))
                QMetaObject::invokeMethod(stack, &QUndoStack::clear, Qt::QueuedConnection);
            refresh();
            return;
        }
        m_error->hide();
        remember(endpointId, *updated);
        refresh();
    };
    if (weights.isEmpty()) {
        answer(makeError(ErrorType::NotFound, tr("none of those routes is left")));
        return false;
    }
    m_client.call(
        this, [ref = refOf(endpointId), weights](ModelServingService &s) { return s.updateRoutes(ref, weights); },
        answer);
    return true;
}

void TrafficSplitEditor::remember(const QUuid &endpointId, const QList<Route> &routes)
{
    QHash<QUuid, int> &answered = m_answered[endpointId];
    answered.clear();
    for (const Route &route : routes)
        answered.insert(route.id, route.weight);
}

void TrafficSplitEditor::showError(const QString &text)
{
    m_error->setText(text);
    m_error->show();
}

} // namespace ServeDeck
