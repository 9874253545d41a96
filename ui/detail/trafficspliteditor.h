#pragma once

#include <optional>

#include <QHash>
#include <QList>
#include <QUuid>
#include <QWidget>

#include "plane/controlclient.h"
#include "ui/detail/trafficsplit.h"

class QAction;
class QGridLayout;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;
class QUndoGroup;
class QUndoStack;

namespace ServeDeck {

class EndpointListModel;
class SplitBar;

// The canary weight editor: one endpoint's revisions with their share of the traffic. Two
// revisions get a slider that previews the split while it is dragged and applies it on release;
// more get a weight box each and Apply. "Blue-green switch" gives all traffic to the other
// revision and "Roll back" to the older one, the old routes kept running either way. Every
// change can be undone (per endpoint), and what the service refuses is shown here. While the
// endpoint's rollout is a manual canary in progress, the slider is the canary's share of that
// rollout (the core's setRolloutWeight), not the routes' weights.
class TrafficSplitEditor final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficSplitEditor)

public:
    // A slider moved by keys or the wheel applies after this pause, so holding an arrow key
    // sends one update, not one per step.
    static constexpr int kKeyboardApplyDelayMs = 400;
    // Steps of undo kept per endpoint.
    static constexpr int kUndoLimit = 50;

    TrafficSplitEditor(ControlClient &client, const EndpointListModel &endpoints, QWidget *parent = nullptr);
    ~TrafficSplitEditor() override;

    QUuid endpoint() const { return m_endpoint; }
    void setEndpoint(const QUuid &endpointId);

    // The revisions shown, oldest first.
    const QList<TrafficSplit::RevisionShare> &revisions() const { return m_revisions; }
    // The newer revision's percentage, with two revisions.
    QSlider *slider() const { return m_slider; }
    QLabel *preview() const { return m_preview; }
    // One per revision, with three or more.
    const QList<QSpinBox *> &weightBoxes() const { return m_weightBoxes; }
    QPushButton *applyButton() const { return m_apply; }
    QPushButton *undoButton() const { return m_undoButton; }
    QPushButton *blueGreenButton() const { return m_blueGreen; }
    QPushButton *rollBackButton() const { return m_rollBack; }
    QLabel *errorLabel() const { return m_error; }
    QUndoStack *undoStack() const;
    // The manual canary in progress whose share the slider sets, if any.
    std::optional<Rollout> manualCanary() const;

    // Gives revision i weights[i] (as revisions()), spread over its routes; false, with the
    // reason shown, when they cannot be sent; the service's answer follows (answered), a refusal
    // shown in place.
    bool applyWeights(const QList<int> &weights);
    void blueGreenSwitch();
    void rollBack();

Q_SIGNALS:
    void answered(bool ok);

private:
    friend class TrafficSplitCommand;

    void refresh();
    void rebuildRevisionRows();
    void updateControls();
    void sliderMoved(int value);
    void applySlider();
    void applyBoxes();
    bool send(const QUuid &endpointId, const QList<RouteWeight> &weights, const QString &what);
    // Sets weights without a new undo step (undo and redo do this); false with the reason shown
    // when nothing could be sent.
    bool put(const QUuid &endpointId, QList<RouteWeight> weights, const QString &failurePrefix);
    void remember(const QUuid &endpointId, const QList<Route> &routes);
    void showError(const QString &text);
    QList<int> currentPercentages() const;
    // Which shown revision the manual canary brings in; -1 when the slider sets route weights.
    qsizetype canaryIndex() const;
    void sendCanaryWeight(const Rollout &rollout, int weight);

    ControlClient &m_client;
    const EndpointListModel &m_endpoints;
    QUuid m_endpoint;
    QList<TrafficSplit::RevisionShare> m_revisions;
    QList<QUuid> m_shownRevisionIds;  // what the rows and controls were built for

    QWidget *m_rowsHost;
    QGridLayout *m_rows;
    QWidget *m_sliderRow;
    QLabel *m_sliderFrom;
    QSlider *m_slider;
    QLabel *m_sliderTo;
    QLabel *m_preview;
    SplitBar *m_bar;
    QWidget *m_boxesHost;
    QGridLayout *m_boxes;
    QList<QSpinBox *> m_weightBoxes;
    QPushButton *m_apply;
    QLabel *m_hint;
    QPushButton *m_undoButton;
    QPushButton *m_blueGreen;
    QPushButton *m_rollBack;
    QLabel *m_error;
    QTimer *m_keyboardApply;
    QUndoGroup *m_undo;
    QHash<QUuid, QUndoStack *> m_stacks;
    // Route weights the core answered with, per endpoint, until the endpoint list shows them
    // (one round trip later): what the next change is compared with and undoes to.
    QHash<QUuid, QHash<QUuid, int>> m_answered;
    // The canary share the core last answered with, per endpoint, until the list shows it.
    QHash<QUuid, int> m_canaryAnswered;
    bool m_boxesEdited = false;
};

} // namespace ServeDeck
